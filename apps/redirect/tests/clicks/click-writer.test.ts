import { createDb, closeDb, urls } from '@ghostlink/db'
import { createBlockingRedis, redisKeys } from '@ghostlink/links'
import { createRedirectMetrics } from '@ghostlink/metrics'
import { TEST_REDIS_URL } from '@ghostlink/testing'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClickStreamConsumer, newInstanceId } from '../../src/clicks/click-pipeline.js'
import { buildService, countRedirectEvents, createTestEnv, type TestEnv, waitFor } from '../helpers/build-service.js'

// CLICK_CONSUMER=off: the replica only hands clicks off; the click writer (src/click-writer.ts) inserts them.
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
    const writerRedis = createBlockingRedis(TEST_REDIS_URL, 'test-click-writer')
    const metrics = createRedirectMetrics(svc.config.release, svc.config.flags)
    const writer = createClickStreamConsumer({
      config: svc.config,
      db: writerDb,
      consumerRedis: writerRedis,
      metrics,
      instanceId: newInstanceId(),
      onError: (err) => {
        throw err
      },
    })
    writer.start()
    try {
      expect(await waitFor(() => countRedirectEvents(env.db), n, 10_000)).toBe(n)
      await writer.close()
      expect(await redis.xlen(stream)).toBe(0) // acknowledged and deleted after the insert
      expect(await metrics.registry.getSingleMetricAsString('redirect_clicks_flushed_total')).toMatch(new RegExp(`path="stream"[^}]*} ${n}`))
    } finally {
      writerRedis.disconnect()
      await closeDb(writerDb)
    }
  }, 60_000)

  it('two consumers draining the stream at once (CLICK_WRITER_CONCURRENCY) write every click exactly once', async () => {
    const before = await countRedirectEvents(env.db)
    const writerDb = createDb(env.env.DATABASE_URL!, 3)
    const svc = await buildService({ ...env.env, CLICK_CONSUMER: 'off' })
    const writers = [0, 1].map((i) => {
      const conn = createBlockingRedis(TEST_REDIS_URL, `test-click-writer-${i}`)
      const metrics = createRedirectMetrics(svc.config.release, svc.config.flags)
      const consumer = createClickStreamConsumer({
        config: svc.config,
        db: writerDb,
        consumerRedis: conn,
        metrics,
        instanceId: `${newInstanceId()}-${i}`,
        onError: (err) => {
          throw err
        },
      })
      consumer.start()
      return { conn, consumer, metrics }
    })
    const n = 1000
    try {
      for (let i = 0; i < n; i += 50) {
        const res = await Promise.all(Array.from({ length: 50 }, () => svc.app.inject('/w1')))
        expect(res.every((r) => r.statusCode === 302)).toBe(true)
        await new Promise((r) => setTimeout(r, 10)) // one hand-off batch per round, so both consumers get entries
      }
      await svc.close()
      expect(await waitFor(async () => (await countRedirectEvents(env.db)) - before, n, 15_000)).toBe(n)
      await Promise.all(writers.map((w) => w.consumer.close()))
      expect((await redis.xpending(redisKeys(env.prefix).clickStream, 'click-writers'))[0]).toBe(0)
      expect((await countRedirectEvents(env.db)) - before).toBe(n)
    } finally {
      for (const w of writers) w.conn.disconnect()
      await closeDb(writerDb)
    }
  }, 60_000)
})
