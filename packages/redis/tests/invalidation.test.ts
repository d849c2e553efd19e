import { cleanRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
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
  await new Promise((r) => redis.once('ready', r))
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
    await inv.invalidate('abc')
    await vi.waitFor(() => expect(seen.sort()).toEqual([['one', 'abc'], ['two', 'abc']]), { timeout: 10_000 })
    await s1.stop()
    await inv.invalidate('def')
    await vi.waitFor(() => expect(seen.filter(([, c]) => c === 'def')).toEqual([['two', 'def']]), { timeout: 10_000 })
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
