import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0'

/**
 * Resolves once `redis` is connected. A client from createRedis has no offline queue and invalidateLink is best
 * effort, so a test that publishes through one before it is ready loses the message (seen in CI).
 */
export const redisReady = (redis: Redis): Promise<void> =>
  redis.status === 'ready' ? Promise.resolve() : new Promise((resolve) => redis.once('ready', () => resolve()))

/** A key prefix unique to one test file, so parallel runs never see each other's keys, queues or channels. */
export const testRedisPrefix = () => `gltest:${randomUUID().slice(0, 8)}:`

/** Deletes every key under `prefix` (SCAN, never KEYS). */
export async function cleanRedisPrefix(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}
