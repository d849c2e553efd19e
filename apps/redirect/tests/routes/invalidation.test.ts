import { quarantinedCodes, urls } from '@ghostlink/db'
import { createRedis, invalidateLink, redisKeys } from '@ghostlink/redis'
import { redisReady, TEST_REDIS_URL } from '@ghostlink/testing'
import { eq } from 'drizzle-orm'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildService, createTestEnv, type TestEnv, type TestService } from '../helpers/build-service.js'

describe('invalidation across two redirect replicas (docs/decisions/rewrite-decisions.md#d-3)', () => {
  let env: TestEnv
  let a: TestService
  let b: TestService
  let api: Redis // what the API / quarantine code would use to call invalidateLink

  beforeAll(async () => {
    env = await createTestEnv()
    await env.db.insert(urls).values({ short_code: 'inv1', original_url: 'https://example.com/old' })
    // long local TTL: without an invalidation message the replicas would keep the old answer for a minute
    const cacheEnv = { ...env.env, LOCAL_CACHE_TTL_MS: '60000' }
    a = await buildService(cacheEnv)
    b = await buildService(cacheEnv)
    api = createRedis(TEST_REDIS_URL, 'invalidation-test')
    await redisReady(api)
    // both replicas subscribe in the background (openDeps does not wait for Redis): wait until both are listening
    const channel = redisKeys(env.prefix).invalidations
    await vi.waitFor(async () => expect((await api.pubsub('NUMSUB', channel))[1]).toBe(2), { timeout: 10_000 })
  })
  afterAll(async () => {
    await a.close()
    await b.close()
    api.disconnect()
    await env.drop()
  })

  const answers = async () => {
    const res = await Promise.all([a.app.inject('/inv1'), b.app.inject('/r/inv1')])
    return res.map((r) => `${r.statusCode} ${r.headers.location ?? r.json().error}`)
  }

  async function within1s(expected: string): Promise<number> {
    const start = Date.now()
    while (Date.now() - start < 1000) {
      const got = await answers()
      if (got.every((g) => g === expected)) return Date.now() - start
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error(`replicas still answer ${JSON.stringify(await answers())}, expected ${expected}`)
  }

  it.each([
    ['update', () => env.db.update(urls).set({ original_url: 'https://example.com/new' }).where(eq(urls.short_code, 'inv1')), '302 https://example.com/new'],
    ['deactivate', () => env.db.update(urls).set({ is_active: false }).where(eq(urls.short_code, 'inv1')), '410 Link inactive'],
    ['reactivate', () => env.db.update(urls).set({ is_active: true }).where(eq(urls.short_code, 'inv1')), '302 https://example.com/new'],
    ['quarantine', () => env.db.insert(quarantinedCodes).values({ short_code: 'inv1', actor: 't' }), '410 This short code has been quarantined due to suspicious activity'],
    ['release', () => env.db.delete(quarantinedCodes).where(eq(quarantinedCodes.short_code, 'inv1')), '302 https://example.com/new'],
    ['delete', () => env.db.delete(urls).where(eq(urls.short_code, 'inv1')), '404 Not found'],
  ])('%s reaches both replicas within one second', async (_, change, expected) => {
    const before = await answers()
    await change()
    // both replicas hold the previous answer (local cache): the change alone is not visible
    expect(await answers()).toEqual(before)
    await invalidateLink(api, env.prefix, 'inv1')
    expect(await within1s(expected)).toBeLessThan(1000)
  })
})
