import { parseTimestamp } from '../queries/timestamp.js'

const MAX_INT = 2_147_483_647

/** A positive 32-bit integer from a CSV cell, else null. */
export function csvInt(v: string | undefined): number | null {
  const s = (v ?? '').trim()
  if (!/^\d+$/.test(s)) return null
  const n = Number(s)
  return n > 0 && n <= MAX_INT ? n : null
}

/** docs/CONTRACT.md#c-2-seed: `is_active` is the string `True`/`False` (the original seed read only `"1"` as true). */
export function csvBool(v: string | undefined, fallback: boolean): boolean {
  const s = (v ?? '').trim().toLowerCase()
  if (['true', '1', 'yes', 't'].includes(s)) return true
  if (['false', '0', 'no', 'f'].includes(s)) return false
  return fallback
}

/** Naive UTC text for a `timestamp` column, or null (the insert then uses now()). */
export function csvTimestamp(v: string | undefined): string | null {
  const d = v ? parseTimestamp(v) : undefined
  return d ? d.toISOString().replace('Z', '') : null
}

/** A non-blank string of at most `max` characters without NUL, else null. */
export function csvText(v: string | undefined, max: number): string | null {
  const s = (v ?? '').trim()
  if (s === '' || [...s].length > max || s.includes('\u0000')) return null
  return s
}

/** docs/CONTRACT.md#c-2-seed: events.csv `details` is a JSON object string; anything else is dropped (and counted). */
export function csvDetails(v: string | undefined): Record<string, unknown> | null | 'invalid' {
  const s = (v ?? '').trim()
  if (s === '') return null
  try {
    const parsed: unknown = JSON.parse(s)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : 'invalid'
  } catch {
    return 'invalid'
  }
}
