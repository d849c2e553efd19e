import { createClickWriters } from '@ghostlink/clicks'
import { closeDb, createDb, parseStatsRange, statsForAll, statsForUrl, urls, users } from '@ghostlink/db'
import { createRedirectMetrics } from '@ghostlink/metrics'
import { redisKeys } from '@ghostlink/redis'
import { TEST_REDIS_URL } from '@ghostlink/testing'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildService, countRedirectEvents, createTestEnv, type TestEnv, waitFor } from '../helpers/build-service.js'

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0'
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
const HOUR = 3_600_000
const DAY = 24 * HOUR
const today = Math.floor(Date.now() / DAY) * DAY
const iso = (ms: number) => new Date(ms).toISOString()

// Known clicks through the real redirect path (Fastify inject, X-Forwarded-For from a trusted peer), handed off to
// the Redis stream and drained by the click writer's consumers; the clock (Date only) is set to yesterday, then today.
describe('click statistics end to end: redirect → stream → click writer → rollups → stats', () => {
  let env: TestEnv
  let redis: Redis
  let link: number
  let other: number
  beforeAll(async () => {
    env = await createTestEnv()
    redis = new Redis(TEST_REDIS_URL)
    const [u] = await env.db.insert(users).values({ username: 'e2e', email: 'e2e@example.com' }).returning({ id: users.id })
    const rows = await env.db
      .insert(urls)
      .values([
        { short_code: 'se1', original_url: 'https://example.com/1', user_id: u!.id },
        { short_code: 'se2', original_url: 'https://example.com/2' },
      ])
      .returning({ id: urls.id })
    link = rows[0]!.id
    other = rows[1]!.id
  })
  afterAll(async () => {
    vi.useRealTimers()
    redis.disconnect()
    await env.drop()
  })

  it('answers every number of the clicks it was fed, and a redelivered batch changes none of them', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const svc = await buildService({ ...env.env, CLICK_CONSUMER: 'off' })
    const hit = async (path: string, ip: string, ua: string, referer?: string) => {
      const headers: Record<string, string> = { 'x-forwarded-for': ip, 'user-agent': ua }
      if (referer) headers.referer = referer
      return (await svc.app.inject({ url: path, headers })).statusCode
    }
    vi.setSystemTime(today - DAY + 10 * HOUR + 15 * 60_000) // yesterday 10:15 UTC
    expect(await hit('/se1', '198.51.100.1', CHROME, 'https://www.google.com/search?q=ghost')).toBe(302)
    expect(await hit('/se1', '198.51.100.1', CHROME)).toBe(302) // the same visitor again
    expect(await hit('/r/se1', '198.51.100.2', IPHONE, 'https://t.co/abc')).toBe(302)
    expect(await hit('/se1', '198.51.100.3', GOOGLEBOT)).toBe(302)
    expect(await hit('/se1', '198.51.100.5', 'curl/8.5.0')).toBe(302)
    expect(await hit('/nope', '198.51.100.6', CHROME)).toBe(404) // an unknown code counts nowhere
    await new Promise((r) => setTimeout(r, 50)) // one hand-off batch per day
    vi.setSystemTime(today + 8 * HOUR + 30 * 60_000) // today 08:30 UTC
    expect(await hit('/se1', '198.51.100.1', CHROME, 'https://www.google.com/')).toBe(302) // a new day: a new visitor
    expect(await hit('/se1', '198.51.100.1', CHROME)).toBe(302)
    expect(await hit('/se1', '198.51.100.4', FIREFOX, 'https://news.ycombinator.com/item?id=1')).toBe(302)
    expect(await hit('/se2', '198.51.100.4', FIREFOX)).toBe(302) // the same person on another link
    await svc.close() // everything handed off to the stream; nothing inserted yet
    const stream = redisKeys(env.prefix).clickStream
    const entries = (await redis.xrange(stream, '-', '+')) as [string, string[]][]
    expect(entries.length).toBeGreaterThanOrEqual(2)

    const writerDb = createDb(env.env.DATABASE_URL!, 2)
    const drain = async (expected: number) => {
      const writer = createClickWriters({
        config: svc.config,
        db: writerDb,
        metrics: createRedirectMetrics(svc.config.release, svc.config.flags),
        concurrency: 1,
        onError: (err) => {
          throw err
        },
      })
      writer.start()
      expect(await waitFor(async () => (await redis.xlen(stream)) === 0, true, 10_000)).toBe(true)
      await writer.close()
      expect(await countRedirectEvents(env.db)).toBe(expected)
    }
    try {
      await drain(9)
      const range = parseStatsRange({}, Date.now())
      const series = Array.from({ length: 30 }, (_, i) => ({ t: iso(range.from + i * DAY), clicks: 0, humans: 0, bots: 0 }))
      series[28] = { t: iso(today - DAY), clicks: 5, humans: 3, bots: 2 }
      series[29] = { t: iso(today), clicks: 3, humans: 3, bots: 0 }
      const expected = {
        url_id: link,
        from: iso(today - 29 * DAY),
        to: iso(today + DAY),
        interval: 'day',
        total: 8,
        humans: 6,
        bots: 2,
        // yesterday: .1/Chrome, .2/iPhone; today: .1/Chrome (new day salt), .4/Firefox
        unique_visitors: 4,
        series,
        referrers: [
          { host: 'direct', clicks: 4 },
          { host: 'google.com', clicks: 2 },
          { host: 'news.ycombinator.com', clicks: 1 },
          { host: 't.co', clicks: 1 },
        ],
        browsers: [
          { name: 'Chrome', clicks: 4 },
          { name: 'unknown', clicks: 2 },
          { name: 'Firefox', clicks: 1 },
          { name: 'Mobile Safari', clicks: 1 },
        ],
        os: [
          { name: 'Windows', clicks: 4 },
          { name: 'unknown', clicks: 2 },
          { name: 'Linux', clicks: 1 }, // ties in code-point order
          { name: 'iOS', clicks: 1 },
        ],
        devices: [
          { type: 'desktop', clicks: 5 },
          { type: 'bot', clicks: 2 },
          { type: 'mobile', clicks: 1 },
        ],
      }
      expect(await statsForUrl(env.db, link, range)).toEqual(expected)
      const hourly = await statsForUrl(env.db, link, parseStatsRange({ from: iso(today - DAY + 10 * HOUR), to: iso(today - DAY + 11 * HOUR), interval: 'hour' }))
      expect(hourly.series).toEqual([{ t: iso(today - DAY + 10 * HOUR), clicks: 5, humans: 3, bots: 2 }])
      const all = await statsForAll(env.db, range)
      expect(all).toMatchObject({ total: 9, humans: 7, bots: 2, unique_visitors: 5 })
      expect(all.links).toEqual([
        { url_id: link, short_code: 'se1', clicks: 8 },
        { url_id: other, short_code: 'se2', clicks: 1 },
      ])

      // the same stream entries again (a crash between COMMIT and XACK, or a replayed hand-off): nothing changes
      for (const [, fields] of entries) await redis.xadd(stream, '*', ...fields)
      await drain(9)
      expect(await statsForUrl(env.db, link, range)).toEqual(expected)
      expect(await statsForAll(env.db, range)).toEqual(all)
    } finally {
      await closeDb(writerDb)
    }
  }, 60_000)
})
