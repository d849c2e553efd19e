import { createDb, closeDb, type Db, urls } from '@ghostlink/db'
import { redisKeys } from '@ghostlink/redis'
import { createRedirectMetrics, type RedirectMetrics } from '@ghostlink/metrics'
import { TEST_REDIS_URL } from '@ghostlink/testing'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClickWriters } from '@ghostlink/clicks'
import { buildService, countRedirectEvents, createTestEnv, type TestEnv, type TestService } from '../helpers/build-service.js'

// The click writer's consumers, as apps/click-writer starts them; an error fails the test.
const writers = (svc: TestService, db: Db, metrics: RedirectMetrics, concurrency: number) =>
  createClickWriters({
    config: svc.config,
    db,
    metrics,
    concurrency,
    onError: (err) => {
      throw err
    },
  })

// CLICK_CONSUMER=off: the replica only hands clicks off; the click writer (apps/click-writer) inserts them.
describe('replica with CLICK_CONSUMER off and a separate click writer', () => {
  let env: TestEnv
  let redis: Redis
  beforeAll(async () => {
    env = await createTestEnv()
    redis = new Redis(TEST_REDIS_URL)
    await env.db.insert(urls).values([{ short_code: 'w1', original_url: 'https://example.com/w1' }])
  })
  afterAll(async () => {
    redis.disconnect()
    await env.drop()
  })

  it('leaves every click in the stream until a writer drains it, then exactly N events land', async () => {
    const svc = await buildService({ ...env.env, CLICK_CONSUMER: 'off' })
    const n = 400
    for (let i = 0; i < n; i += 50) {
      const res = await Promise.all(Array.from({ length: 50 }, () => svc.app.inject('/w1')))
      expect(res.every((r) => r.statusCode === 302)).toBe(true)
    }
    await svc.close() // hands off what it holds; inserts nothing itself
    expect(await countRedirectEvents(env.db)).toBe(0)
    const stream = redisKeys(env.prefix).clickStream
    expect(await redis.xlen(stream)).toBeGreaterThan(0)

    const writerDb = createDb(env.env.DATABASE_URL!, 2)
    const metrics = createRedirectMetrics(svc.config.release, svc.config.flags)
    const writer = writers(svc, writerDb, metrics, 1)
    writer.start()
    try {
      await expect.poll(() => countRedirectEvents(env.db), { timeout: 10_000 }).toBe(n)
      await writer.close()
      expect(await redis.xlen(stream)).toBe(0) // acknowledged and deleted after the insert
      expect(await metrics.registry.getSingleMetricAsString('redirect_clicks_flushed_total')).toMatch(new RegExp(`path="stream"[^}]*} ${n}`))
    } finally {
      await closeDb(writerDb)
    }
  }, 60_000)

  it('two consumers draining the stream at once (CLICK_WRITER_CONCURRENCY) write every click exactly once', async () => {
    const before = await countRedirectEvents(env.db)
    const writerDb = createDb(env.env.DATABASE_URL!, 3)
    const svc = await buildService({ ...env.env, CLICK_CONSUMER: 'off' })
    const writer = writers(svc, writerDb, createRedirectMetrics(svc.config.release, svc.config.flags), 2)
    writer.start()
    const n = 1000
    try {
      for (let i = 0; i < n; i += 50) {
        const res = await Promise.all(Array.from({ length: 50 }, () => svc.app.inject('/w1')))
        expect(res.every((r) => r.statusCode === 302)).toBe(true)
        await new Promise((r) => setTimeout(r, 10)) // one hand-off batch per round, so both consumers get entries
      }
      await svc.close()
      await expect.poll(async () => (await countRedirectEvents(env.db)) - before, { timeout: 15_000 }).toBe(n)
      await writer.close()
      expect((await redis.xpending(redisKeys(env.prefix).clickStream, 'click-writers'))[0]).toBe(0)
      expect((await countRedirectEvents(env.db)) - before).toBe(n)
    } finally {
      await closeDb(writerDb)
    }
  }, 60_000)
})
