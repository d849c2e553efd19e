import { type ClickRecord, createClickWriters, encodeClickBatch } from '@ghostlink/clicks'
import { loadConfig } from '@ghostlink/config'
import { events, urls } from '@ghostlink/db'
import { createRedirectMetrics } from '@ghostlink/metrics'
import { redisKeys } from '@ghostlink/redis'
import { createTestEnv, TEST_REDIS_URL, type TestEnv } from '@ghostlink/testing'
import { count, eq } from 'drizzle-orm'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { clickWriterApp } from '../src/app.js'

// The click writer as server.ts wires it: the consumers drain the stream, the app reports health and metrics.
describe('click writer process', () => {
  let env: TestEnv
  let app: FastifyInstance
  let writers: ReturnType<typeof createClickWriters>
  let urlId: number
  beforeAll(async () => {
    env = await createTestEnv({ name: 'click-writer-app' })
    const config = loadConfig({ DATABASE_URL: env.dbUrl, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: env.prefix })
    const metrics = createRedirectMetrics(config.release, config.flags)
    writers = createClickWriters({
      config,
      db: env.db,
      metrics,
      concurrency: 2,
      onError: (err) => {
        throw err
      },
    })
    app = Fastify()
    await app.register(clickWriterApp, { db: env.db, redis: writers.redis, metrics, appVersion: 'v-test' })
    const [row] = await env.db.insert(urls).values({ short_code: 'cw1', original_url: 'https://example.com/cw1' }).returning({ id: urls.id })
    urlId = row!.id
  })
  afterAll(async () => {
    await app.close()
    await writers.close()
    await env.close()
  })

  it('is ready once Redis is connected, and drains a batch handed off to the stream into events exactly once', async () => {
    await vi.waitFor(async () => expect((await app.inject('/ready')).json()).toEqual({ ready: true }), { timeout: 5_000 })
    const health = await app.inject('/health')
    expect(health.statusCode).toBe(200)
    expect(health.json()).toMatchObject({ status: 'ok', db: 'ok', redis: 'ok' })

    writers.start()
    const record: ClickRecord = [Date.now(), 'cw1', 302, '192.0.2.9', 'agent', null, urlId, null]
    const stream = redisKeys(env.prefix).clickStream
    const entry = encodeClickBatch({ id: 'test:1', records: [record, record, record] })
    await env.redis.xadd(stream, '*', 'b', entry)
    await env.redis.xadd(stream, '*', 'b', entry) // the same batch delivered twice counts once
    const redirects = async () => (await env.db.select({ n: count() }).from(events).where(eq(events.event_type, 'redirect')))[0]!.n
    await vi.waitFor(async () => expect(await env.redis.xlen(stream)).toBe(0), { timeout: 10_000 })
    expect(await redirects()).toBe(3)

    const metrics = await app.inject('/metrics')
    expect(metrics.body).toMatch(/redirect_clicks_flushed_total\{[^}]*path="stream"[^}]*\} 3/)
  }, 30_000)
})
