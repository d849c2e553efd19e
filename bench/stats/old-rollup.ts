// buildRollup as it was before session 7 (docs/decisions/2026-11-27-click-stats.md), kept to compare against:
// rollup-js.ts (CPU) and rollup-compare.ts (identical output).
import { hash } from 'node:crypto'
import { StatsListPrefix } from '@ghostlink/db'
import { Click, type ClickRecord, ClickStatus } from '../../packages/clicks/src/click-record.js'
import { createAgentParser, createReferrerParser, type ParsedAgent } from '../../packages/clicks/src/stats/user-agent.js'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/** Process-wide caches (LRU) of parsed user agents and referrer hosts: each distinct string is parsed once. */
const parseAgent = createAgentParser()
const referrerHost = createReferrerParser()

/**
 * A batch's contribution to click_stats_pending: one row per link and hour, one array per column (sent to Postgres as
 * unnest parameters). Each row's list keys are joined by LIST_KEY_SEPARATOR and its counts and visitor hashes are
 * array literals (`{1,2}`), so a row's arrays travel as one text each: Postgres splits them without parsing jsonb.
 */
export type ClickRollup = {
  url: number[]
  hour: number[]
  clicks: number[]
  humans: number[]
  bots: number[]
  keys: string[]
  counts: string[]
  visitors: string[]
}

/** Between a row's list keys (write-rollup.ts splits on it); removed from the values, where it never occurs in practice. */
export const LIST_KEY_SEPARATOR = '\x1f'

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
 * 64 bits of SHA-256 over the day's salt (hex), the IP and the user agent (`client`: `IP\nuser agent`): a visitor of one link on one day, as a
 * signed int8. The one-shot hash of one string is several times cheaper than a Hash object per click.
 */
function visitorHash(salt: string, client: string): string {
  const h = hash('sha256', `${salt}\n${client}`, 'hex')
  return BigInt.asIntN(64, BigInt(`0x${h.slice(0, 16)}`)).toString()
}

/** Clicks by list key of one link and hour, and its human visitors (hashes) of the batch. */
type Row = {
  url: number
  hour: number
  clicks: number
  humans: number
  bots: number
  agents: Map<ParsedAgent, number>
  referrers: Map<string, number>
  visitors: string[]
}

const listKey = (prefix: string, value: string) => {
  const v = value.length > 255 ? value.slice(0, 255) : value
  return prefix + (v.includes(LIST_KEY_SEPARATOR) ? v.replaceAll(LIST_KEY_SEPARATOR, ' ') : v)
}

/**
 * Aggregates the redirects (302 with a link) of a batch per link and hour: clicks, humans and bots (isbot); clicks by
 * referrer host, browser, OS and device type (list keys, StatsListPrefix); and the distinct human visitors per link
 * and day (for the days in `salts`; each in the row of its first hour). Nothing of the IP leaves this function but the
 * salted hash. One pass over the records with a map lookup per user agent and referrer (both parsers cache); the
 * four list keys are only named per distinct agent of a row at the end.
 */
export function buildRollup(records: ClickRecord[], salts: Map<string, Buffer>): ClickRollup {
  const rowsByHour = new Map<number, Map<number, Row>>()
  const rows: Row[] = []
  // per day: the hash of each (IP, user agent), and the (link, hash) pairs already taken
  const hashes = new Map<number, { salt: string | undefined; byClient: Map<string, string>; taken: Set<string> }>()
  for (const r of records) {
    const url = r[Click.urlId]
    if (r[Click.status] !== ClickStatus.redirected || url === null) continue
    const hour = Math.floor(r[Click.at] / HOUR_MS) * HOUR_MS
    let byUrl = rowsByHour.get(hour)
    if (!byUrl) {
      byUrl = new Map()
      rowsByHour.set(hour, byUrl)
    }
    let row = byUrl.get(url)
    if (!row) {
      row = { url, hour, clicks: 0, humans: 0, bots: 0, agents: new Map(), referrers: new Map(), visitors: [] }
      byUrl.set(url, row)
      rows.push(row)
    }
    const ua = r[Click.ua]
    const agent = parseAgent(ua)
    row.clicks++
    if (agent.bot) row.bots++
    else row.humans++
    row.agents.set(agent, (row.agents.get(agent) ?? 0) + 1)
    const ref = referrerHost(r[Click.referrer])
    row.referrers.set(ref, (row.referrers.get(ref) ?? 0) + 1)
    if (agent.bot) continue
    const dayNo = Math.floor(hour / DAY_MS)
    let day = hashes.get(dayNo)
    if (!day) {
      day = { salt: salts.get(dayOf(hour))?.toString('hex'), byClient: new Map(), taken: new Set() }
      hashes.set(dayNo, day)
    }
    if (day.salt === undefined) continue
    const client = `${r[Click.ip]}\n${ua ?? ''}`
    let visitor = day.byClient.get(client)
    if (visitor === undefined) {
      visitor = visitorHash(day.salt, client)
      day.byClient.set(client, visitor)
    }
    const taken = `${url} ${visitor}`
    if (!day.taken.has(taken)) {
      day.taken.add(taken)
      row.visitors.push(visitor)
    }
  }

  const out: ClickRollup = { url: [], hour: [], clicks: [], humans: [], bots: [], keys: [], counts: [], visitors: [] }
  for (const row of rows) {
    const lists = new Map<string, number>()
    const add = (key: string, n: number) => lists.set(key, (lists.get(key) ?? 0) + n)
    for (const [host, n] of row.referrers) add(listKey(StatsListPrefix.referrer, host), n)
    for (const [agent, n] of row.agents) {
      add(listKey(StatsListPrefix.browser, agent.browser), n)
      add(listKey(StatsListPrefix.os, agent.os), n)
      add(listKey(StatsListPrefix.device, agent.device), n)
    }
    out.url.push(row.url)
    out.hour.push(row.hour)
    out.clicks.push(row.clicks)
    out.humans.push(row.humans)
    out.bots.push(row.bots)
    out.keys.push([...lists.keys()].join(LIST_KEY_SEPARATOR))
    out.counts.push(`{${[...lists.values()].join(',')}}`)
    out.visitors.push(`{${row.visitors.join(',')}}`)
  }
  return out
}
