import { urls } from '@ghostlink/db'
import { redisKeys } from '@ghostlink/redis'
import { startThrowawayRedis, TEST_REDIS_URL } from '@ghostlink/testing'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClickRecord } from '@ghostlink/clicks'
import { encodeClickBatch } from '@ghostlink/clicks'
import { buildService, countRedirectEvents, createTestEnv, type TestEnv, type TestService } from '../helpers/build-service.js'

const CODES = Array.from({ length: 20 }, (_, i) => `c${i}`)

/** Fires `n` redirects, `concurrency` at a time, and returns how many answered 302. */
async function fire(inject: (url: string) => Promise<{ statusCode: number }>, n: number, concurrency = 50): Promise<number> {
  let redirected = 0
  for (let i = 0; i < n; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, n - i) }, (_, j) => inject(`/${CODES[(i + j) % CODES.length]}`))
    for (const res of await Promise.all(batch)) if (res.statusCode === 302) redirected++
  }
  return redirected
}

/** A failed assertion must still close the service: its buffered clicks would otherwise land in the next test's count. */
function closeOnce(svc: TestService): TestService {
  let closing: Promise<void> | undefined
  return { ...svc, close: () => (closing ??= svc.close()) }
}

describe('no click is lost', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await createTestEnv()
    await env.db.insert(urls).values(CODES.map((c) => ({ short_code: c, original_url: `https://example.com/${c}` })))
  })
  afterAll(() => env.drop())

  it('N redirects through the Redis stream → exactly N redirect events', async () => {
    const before = await countRedirectEvents(env.db)
    const svc = await buildService(env.env)
    const n = await fire((url) => svc.app.inject(url), 3000)
    expect(n).toBe(3000)
    await expect.poll(async () => (await countRedirectEvents(env.db)) - before, { timeout: 10_000 }).toBe(n)
    await svc.close()
    expect((await countRedirectEvents(env.db)) - before).toBe(n)
  }, 30_000)

  it('Redis stopped in the middle of the run and started again → exactly N events', async () => {
    const redis = await startThrowawayRedis()
    const before = await countRedirectEvents(env.db)
    const svc = closeOnce(await buildService({ ...env.env, REDIS_URL: redis.url, LOCAL_CACHE_MAX: '0' }))
    try {
      let n = await fire((url) => svc.app.inject(url), 1500, 25)
      redis.stop()
      n += await fire((url) => svc.app.inject(url), 1500, 25)
      // the buffer's first INSERT may still be running when the last request answers (a loaded CI box): wait for it
      await expect
        .poll(async () => (await svc.app.inject('/metrics')).body, { timeout: 10_000 })
        .toMatch(/redirect_clicks_flushed_total\{path="direct"[^}]*\} [1-9]/)
      await redis.start()
      n += await fire((url) => svc.app.inject(url), 1500, 25)
      expect(n).toBe(4500)
      await expect.poll(async () => (await countRedirectEvents(env.db)) - before, { timeout: 15_000 }).toBe(n)
      await svc.close()
      expect((await countRedirectEvents(env.db)) - before).toBe(n)
    } finally {
      await svc.close()
      redis.destroy()
    }
  }, 60_000)

  it('Redis stopped and never back before shutdown: the buffer is flushed into Postgres at close', async () => {
    const redis = await startThrowawayRedis()
    const before = await countRedirectEvents(env.db)
    const svc = closeOnce(await buildService({ ...env.env, REDIS_URL: redis.url, CLICK_FLUSH_INTERVAL_MS: '60000' }))
    try {
      redis.stop()
      await new Promise((r) => setTimeout(r, 100))
      const n = await fire((url) => svc.app.inject(url), 500)
      expect(n).toBe(500)
      await svc.close()
      expect((await countRedirectEvents(env.db)) - before).toBe(n)
    } finally {
      await svc.close()
      redis.destroy()
    }
  }, 30_000)

  it("a dead replica's unacknowledged batch is claimed and inserted by a live one", async () => {
    const keys = redisKeys(env.prefix)
    const raw = new Redis(TEST_REDIS_URL)
    const before = await countRedirectEvents(env.db)
    const [row] = await env.db.select().from(urls).limit(1)
    const record: ClickRecord = [Date.now(), row!.short_code, 302, '192.0.2.1', 'x', null, row!.id, null]
    await raw.xgroup('CREATE', keys.clickStream, 'click-writers', '0', 'MKSTREAM').catch(() => {})
    await raw.xadd(keys.clickStream, '*', 'b', encodeClickBatch({ id: 'dead:1', records: [record, record] }))
    // the "dead" replica reads it and never acknowledges
    await raw.xreadgroup('GROUP', 'click-writers', 'dead-replica', 'COUNT', 10, 'STREAMS', keys.clickStream, '>')
    const svc = await buildService(env.env, { claimIdleMs: 300 })
    await expect.poll(async () => (await countRedirectEvents(env.db)) - before, { timeout: 8_000 }).toBe(2)
    await svc.close()
    const pending = (await raw.xpending(keys.clickStream, 'click-writers')) as [number, ...unknown[]]
    expect(pending[0]).toBe(0)
    raw.disconnect()
  }, 30_000)
})
