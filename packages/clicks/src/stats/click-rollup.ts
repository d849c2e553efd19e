import { hash } from 'node:crypto'
import { StatsListPrefix } from '@ghostlink/db'
import { Click, type ClickRecord, ClickStatus } from '../click-record.js'
import { createAgentParser, createReferrerParser } from './user-agent.js'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/** Process-wide caches (LRU) of parsed user agents and referrer hosts: each distinct string is parsed once. */
const parseAgent = createAgentParser()
const referrerHost = createReferrerParser()

/** A batch's contribution to the rollup tables, one array per column (sent to Postgres as unnest parameters). */
export type ClickRollup = {
  hourly: { url: number[]; hour: number[]; clicks: number[]; humans: number[]; bots: number[] }
  lists: { url: number[]; day: string[]; counts: string[] }
  visitors: { url: number[]; day: string[]; visitor: string[] }
}

export const dayOf = (at: number) => new Date(Math.floor(at / DAY_MS) * DAY_MS).toISOString().slice(0, 10)

/**
 * The days whose visitors are still counted: today and yesterday (UTC). A click that reaches the writer later than
 * that (a replica's memory buffer held it through a long Postgres outage) still counts in every other figure, but
 * its day's visitor set and salt are gone, so it cannot be told apart from one already counted.
 */
export function countedDays(now = Date.now()): string[] {
  return [dayOf(now), dayOf(now - DAY_MS)]
}

/**
 * 64 bits of SHA-256 over the day's salt (hex), the IP and the user agent: a visitor of one link on one day, as a
 * signed int8. The one-shot hash of one string is several times cheaper than a Hash object per click.
 */
function visitorHash(salt: string, ip: string, ua: string | null): string {
  const h = hash('sha256', `${salt}\n${ip}\n${ua ?? ''}`, 'hex')
  return BigInt.asIntN(64, BigInt(`0x${h.slice(0, 16)}`)).toString()
}

/** Per link and day: clicks by list key (StatsListPrefix and the value, cut to 255 characters). */
type ListRows = Map<string, { url: number; day: string; counts: Record<string, number> }>

function addToList(lists: ListRows, url: number, day: string, prefix: string, value: string, n: number): void {
  const rowKey = `${url}|${day}`
  let row = lists.get(rowKey)
  if (!row) {
    row = { url, day, counts: Object.create(null) as Record<string, number> }
    lists.set(rowKey, row)
  }
  const key = prefix + value.slice(0, 255)
  row.counts[key] = (row.counts[key] ?? 0) + n
}

/**
 * Aggregates the redirects (302 with a link) of a batch: per link and hour clicks, humans and bots; per link and day
 * clicks by referrer host, browser, OS and device type (list keys, StatsListPrefix); and the distinct human visitors per link and day (for the
 * days in `salts`). Nothing of the IP leaves this function but the salted hash.
 */
export function buildRollup(records: ClickRecord[], salts: Map<string, Buffer>): ClickRollup {
  const saltHex = new Map([...salts].map(([day, salt]) => [day, salt.toString('hex')]))
  // first pass: count each (link, hour, user agent, referrer) once, and each human (link, day, IP, user agent) once:
  // a batch repeats these far more than it repeats whole records, so the parsing, hashing and keying below run per
  // distinct combination, not per click
  const combos = new Map<string, { url: number; hour: number; ua: string | null; ref: string | null; n: number }>()
  const seen = new Map<string, { url: number; dayNo: number; ip: string; ua: string | null }>()
  for (const r of records) {
    const url = r[Click.urlId]
    if (r[Click.status] !== ClickStatus.redirected || url === null) continue
    const hour = Math.floor(r[Click.at] / HOUR_MS) * HOUR_MS
    const ua = r[Click.ua]
    const ref = r[Click.referrer]
    const ck = `${url}\0${hour}\0${ua}\0${ref}`
    const c = combos.get(ck)
    if (c) c.n++
    else combos.set(ck, { url, hour, ua, ref, n: 1 })
    const vk = `${url}\0${Math.floor(hour / DAY_MS)}\0${r[Click.ip]}\0${ua}`
    if (!seen.has(vk)) seen.set(vk, { url, dayNo: Math.floor(hour / DAY_MS), ip: r[Click.ip], ua })
  }

  const days = new Map<number, string>()
  const dayName = (dayNo: number) => {
    let day = days.get(dayNo)
    if (day === undefined) {
      day = dayOf(dayNo * DAY_MS)
      days.set(dayNo, day)
    }
    return day
  }
  const hourly = new Map<string, [number, number, number, number, number]>()
  const lists: ListRows = new Map()
  for (const { url, hour, ua, ref, n } of combos.values()) {
    const agent = parseAgent(ua)
    const hk = `${url}|${hour}`
    const h = hourly.get(hk)
    if (h) {
      h[2] += n
      h[agent.bot ? 4 : 3] += n
    } else hourly.set(hk, [url, hour, n, agent.bot ? 0 : n, agent.bot ? n : 0])
    const day = dayName(Math.floor(hour / DAY_MS))
    addToList(lists, url, day, StatsListPrefix.referrer, referrerHost(ref), n)
    addToList(lists, url, day, StatsListPrefix.browser, agent.browser, n)
    addToList(lists, url, day, StatsListPrefix.os, agent.os, n)
    addToList(lists, url, day, StatsListPrefix.device, agent.device, n)
  }
  const visitors = new Map<string, [number, string, string]>()
  for (const { url, dayNo, ip, ua } of seen.values()) {
    const day = dayName(dayNo)
    const salt = saltHex.get(day)
    if (!salt || parseAgent(ua).bot) continue
    const visitor = visitorHash(salt, ip, ua)
    visitors.set(`${url}|${day}|${visitor}`, [url, day, visitor])
  }
  const cols = <T extends unknown[]>(rows: Iterable<T>, n: number) => {
    const out = Array.from({ length: n }, () => [] as unknown[])
    for (const row of rows) for (let i = 0; i < n; i++) out[i]!.push(row[i])
    return out
  }
  const [hu, hh, hc, hhu, hb] = cols(hourly.values(), 5)
  const [lu, ld, lc] = cols(
    Array.from(lists.values(), (l) => [l.url, l.day, JSON.stringify(l.counts)]),
    3,
  )
  const [vu, vd, vv] = cols(visitors.values(), 3)
  return {
    hourly: { url: hu as number[], hour: hh as number[], clicks: hc as number[], humans: hhu as number[], bots: hb as number[] },
    lists: { url: lu as number[], day: ld as string[], counts: lc as string[] },
    visitors: { url: vu as number[], day: vd as string[], visitor: vv as string[] },
  }
}
