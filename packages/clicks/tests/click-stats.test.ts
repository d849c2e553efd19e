import { parseStatsRange, statsForAll, statsForUrl, statsForUser, urls, users } from '@ghostlink/db'
import { createTestEnv, type TestEnv } from '@ghostlink/testing'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClickBatch, ClickRecord } from '../src/click-record.js'
import { insertClicks } from '../src/insert-clicks.js'

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const today = Math.floor(Date.now() / DAY) * DAY

describe('click statistics kept by the click writer', () => {
  let env: TestEnv
  let a: number
  let b: number
  let owner: number
  beforeAll(async () => {
    env = await createTestEnv({ name: 'click-stats' })
    const [u] = await env.db.insert(users).values({ username: 'stats-owner', email: 'so@example.com' }).returning({ id: users.id })
    owner = u!.id
    const rows = await env.db
      .insert(urls)
      .values([
        { short_code: 'sa', original_url: 'https://example.com/a', user_id: owner },
        { short_code: 'sb', original_url: 'https://example.com/b' },
      ])
      .returning({ id: urls.id })
    a = rows[0]!.id
    b = rows[1]!.id
  })
  afterAll(() => env.close())

  const rec = (at: number, url: number | null, ip: string, ua: string | null, ref: string | null, status: ClickRecord[2] = 302): ClickRecord => [
    at, url === a ? 'sa' : 'sb', status, ip, ua, ref, url, url === a ? owner : null,
  ]

  it('counts clicks, humans, bots, referrers, browsers, OS, devices and visitors once, even when a batch comes back', async () => {
    const t0 = today + 9 * HOUR + 5 * 60_000 // today 09:05 UTC
    const y0 = today - DAY + 22 * HOUR // yesterday 22:00 UTC
    const batch1: ClickBatch = {
      id: 'stats:1',
      records: [
        rec(t0, a, '198.51.100.1', CHROME, 'https://www.google.com/search?q=x'),
        rec(t0 + 1000, a, '198.51.100.1', CHROME, null), // the same visitor again
        rec(t0 + HOUR, a, '198.51.100.2', IPHONE, 'https://t.co/abc'),
        rec(t0 + HOUR + 1, a, '198.51.100.3', GOOGLEBOT, null), // a bot: counted, not a human, not a visitor
        rec(t0 + 2, a, '198.51.100.4', null, null), // no user agent: a bot
        rec(t0 + 3, null, '198.51.100.5', CHROME, null, 404), // unknown code: no statistics
        rec(t0 + 4, a, '198.51.100.6', CHROME, null, 410), // quarantined: no statistics
      ],
    }
    const batch2: ClickBatch = {
      id: 'stats:2',
      records: [
        rec(y0, a, '198.51.100.1', CHROME, 'https://news.ycombinator.com/item?id=1'), // same visitor, another day
        rec(y0 + 60_000, b, '198.51.100.1', CHROME, null), // same visitor, another link
      ],
    }
    expect(await insertClicks(env.db, [batch1, batch2])).toBe(9)
    // redelivered (stream re-read after a crash between COMMIT and XACK): nothing changes
    expect(await insertClicks(env.db, [batch2, batch1])).toBe(0)

    const range = parseStatsRange({}, Date.now())
    const iso = (ms: number) => new Date(ms).toISOString()
    const series = Array.from({ length: 30 }, (_, i) => ({ t: iso(range.from + i * DAY), clicks: 0, humans: 0, bots: 0 }))
    series[28] = { t: iso(today - DAY), clicks: 1, humans: 1, bots: 0 }
    series[29] = { t: iso(today), clicks: 5, humans: 3, bots: 2 }
    const lists = {
      referrers: [
        { host: 'direct', clicks: 3 },
        { host: 'google.com', clicks: 1 },
        { host: 'news.ycombinator.com', clicks: 1 },
        { host: 't.co', clicks: 1 },
      ],
      browsers: [
        { name: 'Chrome', clicks: 3 },
        { name: 'unknown', clicks: 2 },
        { name: 'Mobile Safari', clicks: 1 },
      ],
      os: [
        { name: 'Windows', clicks: 3 },
        { name: 'unknown', clicks: 2 },
        { name: 'iOS', clicks: 1 },
      ],
      devices: [
        { type: 'desktop', clicks: 3 },
        { type: 'bot', clicks: 2 },
        { type: 'mobile', clicks: 1 },
      ],
    }
    // visitors: today .1/Chrome and .2/iPhone; yesterday .1/Chrome again (a new day, a new salt)
    const forA = { interval: 'day', from: iso(today - 29 * DAY), to: iso(today + DAY), total: 6, humans: 4, bots: 2, unique_visitors: 3, series, ...lists }
    expect(await statsForUrl(env.db, a, range)).toEqual({ url_id: a, ...forA })
    expect(await statsForUser(env.db, owner, range)).toEqual({ user_id: owner, ...forA, links: [{ url_id: a, short_code: 'sa', clicks: 6 }] })

    const all = await statsForAll(env.db, range)
    expect(all).toMatchObject({ total: 7, humans: 5, bots: 2, unique_visitors: 4 })
    expect(all.links).toEqual([
      { url_id: a, short_code: 'sa', clicks: 6 },
      { url_id: b, short_code: 'sb', clicks: 1 },
    ])
    expect(all.referrers[0]).toEqual({ host: 'direct', clicks: 4 })

    // by the hour: only the buckets asked for; the lists and visitors cover the whole day
    const hourly = await statsForUrl(env.db, a, parseStatsRange({ from: iso(today + 9 * HOUR), to: iso(today + 11 * HOUR), interval: 'hour' }))
    expect(hourly).toMatchObject({ total: 5, humans: 3, bots: 2, unique_visitors: 2 })
    expect(hourly.series).toEqual([
      { t: iso(today + 9 * HOUR), clicks: 3, humans: 2, bots: 1 },
      { t: iso(today + 10 * HOUR), clicks: 2, humans: 1, bots: 1 },
    ])
    expect(hourly.referrers).toEqual([
      { host: 'direct', clicks: 3 },
      { host: 'google.com', clicks: 1 },
      { host: 't.co', clicks: 1 },
    ])
  })

  it('keeps the top 10 of a list and sums the rest as other', async () => {
    const at = today + 3 * HOUR
    const records: ClickRecord[] = []
    for (let host = 1; host <= 12; host++) {
      for (let n = 0; n < host; n++) records.push(rec(at, b, `203.0.113.${host}`, CHROME, `https://h${String(host).padStart(2, '0')}.example/`))
    }
    await insertClicks(env.db, [{ id: 'stats:top', records }])
    const s = await statsForUrl(env.db, b, parseStatsRange({ from: new Date(today).toISOString(), to: new Date(today + DAY).toISOString() }))
    expect(s.total).toBe(78)
    expect(s.referrers).toEqual([
      ...Array.from({ length: 10 }, (_, i) => ({ host: `h${String(12 - i).padStart(2, '0')}.example`, clicks: 12 - i })),
      { host: 'other', clicks: 3 },
    ])
    expect(s.unique_visitors).toBe(12)
  })

  it('counts a click that reaches the writer days late everywhere but in the visitors (its day salt is gone)', async () => {
    const late = today - 3 * DAY + HOUR
    await insertClicks(env.db, [{ id: 'stats:late', records: [rec(late, b, '192.0.2.50', CHROME, null)] }])
    const s = await statsForUrl(env.db, b, parseStatsRange({ from: new Date(today - 3 * DAY).toISOString(), to: new Date(today - 2 * DAY).toISOString() }))
    expect(s).toMatchObject({ total: 1, humans: 1, bots: 0, unique_visitors: 0, browsers: [{ name: 'Chrome', clicks: 1 }] })
  })

  it('writes no statistics for a link deleted since the click, and keeps the batch', async () => {
    const [gone] = await env.db.insert(urls).values({ short_code: 'sgone', original_url: 'https://example.com/g' }).returning({ id: urls.id })
    await env.db.delete(urls).where(eq(urls.id, gone!.id))
    expect(await insertClicks(env.db, [{ id: 'stats:gone', records: [rec(Date.now(), gone!.id, '192.0.2.1', CHROME, null), rec(Date.now(), a, '192.0.2.1', CHROME, null)] }])).toBe(2)
    const s = await statsForUrl(env.db, gone!.id, parseStatsRange({}))
    expect(s.total).toBe(0)
    expect((await statsForUrl(env.db, a, parseStatsRange({}))).total).toBe(7)
  })
})
