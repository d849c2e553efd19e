import { hash } from 'node:crypto'
import { StatsListPrefix } from '@ghostlink/db'
import { Click, type ClickRecord, ClickStatus } from '../click-record.js'
import { createAgentParser, createReferrerParser, type ParsedAgent } from './user-agent.js'

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

/** One day's visitors in a batch: the hash of each (user agent, IP), and the hashes each link already took. */
type Day = { salt: string | undefined; byAgent: Map<string, Map<string, string>>; taken: Map<number, Set<string>> }

const listKey = (prefix: string, value: string) => {
  const v = value.length > 255 ? value.slice(0, 255) : value
  return prefix + (v.includes(LIST_KEY_SEPARATOR) ? v.replaceAll(LIST_KEY_SEPARATOR, ' ') : v)
}

/**
 * A parsed agent's three list keys, named once per agent object (the LRU's, shared by every click of that user agent)
 * rather than once per row: the same string objects come back, so the row's key map finds them by their cached hash.
 */
const agentKeys = new WeakMap<ParsedAgent, readonly [string, string, string]>()
function keysOf(agent: ParsedAgent): readonly [string, string, string] {
  let keys = agentKeys.get(agent)
  if (keys === undefined) {
    keys = [listKey(StatsListPrefix.browser, agent.browser), listKey(StatsListPrefix.os, agent.os), listKey(StatsListPrefix.device, agent.device)]
    agentKeys.set(agent, keys)
  }
  return keys
}

/** A referrer host's list key, named once per host; bounded like the referrer LRU (emptied at 10 000 hosts). */
const referrerKeys = new Map<string, string>()
function referrerKey(host: string): string {
  let key = referrerKeys.get(host)
  if (key === undefined) {
    if (referrerKeys.size >= 10_000) referrerKeys.clear()
    key = listKey(StatsListPrefix.referrer, host)
    referrerKeys.set(host, key)
  }
  return key
}

/**
 * Aggregates the redirects (302 with a link) of a batch per link and hour: clicks, humans and bots (isbot); clicks by
 * referrer host, browser, OS and device type (list keys, StatsListPrefix); and the distinct human visitors per link
 * and day (for the days in `salts`; each in the row of its first hour). Nothing of the IP leaves this function but the
 * salted hash. One pass over the records with a map lookup per user agent and referrer (the batch's own maps in front
 * of the process-wide LRUs, whose lookups cost more); no string is built per record: the visitor hash is found by
 * user agent, then IP, and each link's taken hashes are a set per link. The list keys are named once per agent and
 * host (keysOf, referrerKey) and summed per row at the end (docs/decisions/2026-11-27-click-stats.md, session 7).
 */
export function buildRollup(records: ClickRecord[], salts: Map<string, Buffer>): ClickRollup {
  const rowsByHour = new Map<number, Map<number, Row>>()
  const rows: Row[] = []
  const hashes = new Map<number, Day>()
  // the batch's distinct user agents and referrers (a wire batch shares its strings: click-wire.ts)
  const agents = new Map<string, ParsedAgent>()
  const hosts = new Map<string, string>()
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
    let agent = ua === null ? parseAgent(ua) : agents.get(ua)
    if (agent === undefined) {
      agent = parseAgent(ua)
      agents.set(ua as string, agent)
    }
    row.clicks++
    if (agent.bot) row.bots++
    else row.humans++
    row.agents.set(agent, (row.agents.get(agent) ?? 0) + 1)
    const referrer = r[Click.referrer]
    let ref = referrer === null ? 'direct' : hosts.get(referrer)
    if (ref === undefined) {
      ref = referrerHost(referrer)
      hosts.set(referrer as string, ref)
    }
    row.referrers.set(ref, (row.referrers.get(ref) ?? 0) + 1)
    if (agent.bot) continue
    const dayNo = Math.floor(hour / DAY_MS)
    let day = hashes.get(dayNo)
    if (!day) {
      day = { salt: salts.get(dayOf(hour))?.toString('hex'), byAgent: new Map(), taken: new Map() }
      hashes.set(dayNo, day)
    }
    if (day.salt === undefined) continue
    // a human has a user agent (parseAgent: none is a bot)
    const agentString = ua as string
    let byIp = day.byAgent.get(agentString)
    if (byIp === undefined) {
      byIp = new Map()
      day.byAgent.set(agentString, byIp)
    }
    const ip = r[Click.ip]
    let visitor = byIp.get(ip)
    if (visitor === undefined) {
      visitor = visitorHash(day.salt, `${ip}\n${agentString}`)
      byIp.set(ip, visitor)
    }
    let taken = day.taken.get(url)
    if (taken === undefined) {
      taken = new Set()
      day.taken.set(url, taken)
    }
    if (!taken.has(visitor)) {
      taken.add(visitor)
      row.visitors.push(visitor)
    }
  }

  const n = rows.length
  const out: ClickRollup = {
    url: new Array(n),
    hour: new Array(n),
    clicks: new Array(n),
    humans: new Array(n),
    bots: new Array(n),
    keys: new Array(n),
    counts: new Array(n),
    visitors: new Array(n),
  }
  const lists = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const row = rows[i]!
    // the keys in first-seen order: referrers, then each agent's browser, OS and device (as before session 7)
    lists.clear()
    for (const [host, c] of row.referrers) {
      const key = referrerKey(host)
      lists.set(key, (lists.get(key) ?? 0) + c)
    }
    for (const [agent, c] of row.agents) {
      const [browser, os, device] = keysOf(agent)
      lists.set(browser, (lists.get(browser) ?? 0) + c)
      lists.set(os, (lists.get(os) ?? 0) + c)
      lists.set(device, (lists.get(device) ?? 0) + c)
    }
    let keys = ''
    let counts = '{'
    for (const [key, c] of lists) {
      if (keys === '') {
        keys = key
        counts += c
      } else {
        keys += LIST_KEY_SEPARATOR + key
        counts += `,${c}`
      }
    }
    out.url[i] = row.url
    out.hour[i] = row.hour
    out.clicks[i] = row.clicks
    out.humans[i] = row.humans
    out.bots[i] = row.bots
    out.keys[i] = keys
    out.counts[i] = `${counts}}`
    out.visitors[i] = `{${row.visitors.join(',')}}`
  }
  return out
}
