import { cleanRedisPrefix, redisReady, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createBlockingRedis, createRedis, type LinkInvalidation, localInvalidation, redisInvalidation, redisKeys } from '../src/index.js'

// The two implementations of one interface: what a lookup relies on, checked on both.
const prefix = testRedisPrefix()
let redis: Redis
let subscriber: Redis

beforeAll(async () => {
  redis = createRedis(TEST_REDIS_URL, 'invalidation-test')
  subscriber = createBlockingRedis(TEST_REDIS_URL, 'invalidation-test-sub')
  await redisReady(redis)
})
afterAll(async () => {
  subscriber.disconnect()
  redis.disconnect()
  await cleanRedisPrefix(prefix)
})

const implementations: Array<[string, () => LinkInvalidation]> = [
  ['in-process', () => localInvalidation()],
  ['Redis pub/sub', () => redisInvalidation({ redis, subscriber, prefix })],
]

describe.each(implementations)('%s invalidation', (_name, make) => {
  it('tells every subscriber the code, and nobody after stop()', async () => {
    const inv = make()
    const seen: Array<[string, string]> = []
    const s1 = inv.subscribe({ drop: (c) => seen.push(['one', c]), reset: () => {} })
    const s2 = inv.subscribe({ drop: (c) => seen.push(['two', c]), reset: () => {} })
    await Promise.all([s1.subscribed, s2.subscribed])
    // invalidate() is best effort (a publish is skipped while the client reconnects, which a loaded CI machine has
    // shown once): published again until delivered; who received it is what counts
    const who = (code: string) => [...new Set(seen.filter(([, c]) => c === code).map(([w]) => w))].sort()
    const deliver = (code: string, expected: string[]) =>
      vi.waitFor(
        async () => {
          if (who(code).length < expected.length) await inv.invalidate(code)
          expect(who(code)).toEqual(expected)
        },
        { timeout: 10_000, interval: 200 },
      )
    await deliver('abc', ['one', 'two'])
    await s1.stop()
    await deliver('def', ['two'])
    await new Promise((r) => setTimeout(r, 100))
    expect(who('def')).toEqual(['two']) // the stopped listener got none of them
    await s2.stop()
  })
})

describe('in-process invalidation', () => {
  it('has called every listener when invalidate() resolves (same process: no delay at all)', async () => {
    const inv = localInvalidation()
    const seen: string[] = []
    inv.subscribe({ drop: (c) => seen.push(c), reset: () => {} })
    await inv.invalidate('now')
    expect(seen).toEqual(['now'])
  })
})

describe('Redis pub/sub invalidation', () => {
  it('also deletes the cached answer in Redis', async () => {
    const key = redisKeys(prefix).link('cached')
    await redis.set(key, '{}')
    await redisInvalidation({ redis, prefix }).invalidate('cached')
    expect(await redis.exists(key)).toBe(0)
  })

  it('refuses to subscribe without a subscriber connection, and invalidating without a client is a no-op', async () => {
    expect(() => redisInvalidation({ redis, prefix }).subscribe({ drop: () => {}, reset: () => {} })).toThrow(/subscriber/)
    await expect(redisInvalidation({ redis: undefined, prefix }).invalidate('x')).resolves.toBeUndefined()
  })
})
