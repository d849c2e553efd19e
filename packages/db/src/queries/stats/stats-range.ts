import { parseTimestamp } from '../timestamp.js'

export type StatsInterval = 'hour' | 'day'

/** A statistics window: [from, to) in epoch ms, both on `interval` boundaries (UTC). */
export type StatsRange = { from: number; to: number; interval: StatsInterval }

export const UNIT_MS: Record<StatsInterval, number> = { hour: 3_600_000, day: 86_400_000 }
/** Most points one answer's series may have: 93 days by the hour, about 10 years by the day. */
export const MAX_POINTS: Record<StatsInterval, number> = { hour: 93 * 24, day: 3_660 }
const DEFAULT_DAYS = 30

/** The reason a query is refused; the API answers it as a 400. */
export class StatsRangeError extends Error {}

const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit
const ceilTo = (ms: number, unit: number) => Math.ceil(ms / unit) * unit

/**
 * `from`, `to` (ISO 8601 date or date-time; naive means UTC) and `interval` (`hour` | `day`, default `day`) as given
 * in a query string, into a range: `from` rounded down and `to` rounded up to the interval, so every bucket is whole.
 * Defaults: `to` = now, `from` = 30 days before `to`.
 */
export function parseStatsRange(q: { from?: unknown; to?: unknown; interval?: unknown }, now = Date.now()): StatsRange {
  const interval = q.interval === undefined || q.interval === '' ? 'day' : q.interval
  if (interval !== 'hour' && interval !== 'day') throw new StatsRangeError("interval must be 'hour' or 'day'")
  const unit = UNIT_MS[interval]
  const at = (name: string, v: unknown): number | undefined => {
    if (v === undefined || v === '') return undefined
    const d = typeof v === 'string' ? parseTimestamp(v) : undefined
    if (!d) throw new StatsRangeError(`${name} must be an ISO 8601 date or date-time`)
    return d.getTime()
  }
  const rawTo = at('to', q.to)
  const rawFrom = at('from', q.from)
  const to = ceilTo(rawTo ?? now, unit)
  const from = floorTo(rawFrom ?? to - DEFAULT_DAYS * UNIT_MS.day, unit)
  if (from >= to) throw new StatsRangeError('from must be before to')
  if ((to - from) / unit > MAX_POINTS[interval]) {
    throw new StatsRangeError(`at most ${MAX_POINTS[interval]} ${interval}s per query`)
  }
  return { from, to, interval }
}
