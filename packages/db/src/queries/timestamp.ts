// `YYYY-MM-DD HH:MM:SS` (the seed CSVs, docs/CONTRACT.md#c-2-seed) or an ISO 8601 date-time; naive values are UTC.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/**
 * Parses a timestamp from a client or a CSV into a Date, or undefined when it is not a real calendar time
 * (so `2024-02-30` or `25:00` never reach Postgres as a cast error).
 */
export function parseTimestamp(input: string): Date | undefined {
  const m = TIMESTAMP.exec(input.trim())
  if (!m) return undefined
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined
  const base = Date.UTC(year, month - 1, day, hour, minute, second, Math.floor(Number(`0${frac || '.0'}`) * 1000))
  const check = new Date(Date.UTC(year, month - 1, day))
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined
  if (year < 1 || year > 9999) return undefined
  let offsetMin = 0
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)))
    if (Math.abs(offsetMin) > 14 * 60) return undefined
  }
  return new Date(base - offsetMin * 60_000)
}
