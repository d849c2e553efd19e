import { createHash } from 'node:crypto'
import { StatsDimension } from '@ghostlink/db'
import { Click, type ClickRecord, ClickStatus } from '../click-record.js'
import { createAgentParser, referrerHost } from './user-agent.js'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/** One process-wide cache of parsed user agents (LRU): the writer parses each distinct string once. */
const parseAgent = createAgentParser()

/** A batch's contribution to the rollup tables, one array per column (sent to Postgres as unnest parameters). */
export type ClickRollup = {
  hourly: { url: number[]; hour: number[]; clicks: number[]; humans: number[]; bots: number[] }
  daily: { url: number[]; day: string[]; dimension: number[]; value: string[]; clicks: number[] }
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

/** 64 bits of SHA-256 over the day's salt, the IP and the user agent: a visitor of one link on one day. */
function visitorHash(salt: Buffer, ip: string, ua: string | null): string {
  const h = createHash('sha256').update(salt).update(ip).update('\n').update(ua ?? '').digest()
  return h.readBigInt64BE(0).toString()
}

/**
 * Aggregates the redirects (302 with a link) of a batch: per link and hour clicks, humans and bots; per link and day
 * clicks by referrer host, browser, OS and device type; and the distinct human visitors per link and day (for the
 * days in `salts`). Nothing of the IP leaves this function but the salted hash.
 */
export function buildRollup(records: ClickRecord[], salts: Map<string, Buffer>): ClickRollup {
  const hourly = new Map<string, [number, number, number, number, number]>()
  const daily = new Map<string, [number, string, number, string, number]>()
  const visitors = new Map<string, [number, string, string]>()
  const days = new Map<number, string>()
  for (const r of records) {
    const url = r[Click.urlId]
    if (r[Click.status] !== ClickStatus.redirected || url === null) continue
    const at = r[Click.at]
    const agent = parseAgent(r[Click.ua])
    const hour = Math.floor(at / HOUR_MS) * HOUR_MS
    const hk = `${url}|${hour}`
    const h = hourly.get(hk)
    if (h) {
      h[2]++
      h[agent.bot ? 4 : 3]++
    } else hourly.set(hk, [url, hour, 1, agent.bot ? 0 : 1, agent.bot ? 1 : 0])

    const dayNo = Math.floor(at / DAY_MS)
    let day = days.get(dayNo)
    if (day === undefined) {
      day = dayOf(at)
      days.set(dayNo, day)
    }
    const add = (dimension: number, value: string) => {
      const v = value.slice(0, 255)
      const dk = `${url}|${day}|${dimension}|${v}`
      const d = daily.get(dk)
      if (d) d[4]++
      else daily.set(dk, [url, day, dimension, v, 1])
    }
    add(StatsDimension.referrer, referrerHost(r[Click.referrer]))
    add(StatsDimension.browser, agent.browser)
    add(StatsDimension.os, agent.os)
    add(StatsDimension.device, agent.device)

    const salt = salts.get(day)
    if (!agent.bot && salt) {
      const visitor = visitorHash(salt, r[Click.ip], r[Click.ua])
      visitors.set(`${url}|${day}|${visitor}`, [url, day, visitor])
    }
  }
  const cols = <T extends unknown[]>(rows: Iterable<T>, n: number) => {
    const out = Array.from({ length: n }, () => [] as unknown[])
    for (const row of rows) for (let i = 0; i < n; i++) out[i]!.push(row[i])
    return out
  }
  const [hu, hh, hc, hhu, hb] = cols(hourly.values(), 5)
  const [du, dd, ddim, dv, dc] = cols(daily.values(), 5)
  const [vu, vd, vv] = cols(visitors.values(), 3)
  return {
    hourly: { url: hu as number[], hour: hh as number[], clicks: hc as number[], humans: hhu as number[], bots: hb as number[] },
    daily: { url: du as number[], day: dd as string[], dimension: ddim as number[], value: dv as string[], clicks: dc as number[] },
    visitors: { url: vu as number[], day: vd as string[], visitor: vv as string[] },
  }
}
