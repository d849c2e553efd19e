import type { Redis } from 'ioredis'
import { redisKeys } from './keys.js'

/**
 * Drops the cached answer for `code` in Redis and tells every replica to drop its in-process copy.
 * Best effort: with Redis down there is nothing cached there, and replicas' local TTL bounds staleness.
 */
export async function invalidateLink(redis: Redis | undefined, prefix: string, code: string): Promise<void> {
  if (!redis || redis.status !== 'ready') return
  const keys = redisKeys(prefix)
  try {
    await redis.multi().del(keys.link(code)).publish(keys.invalidations, code).exec()
  } catch {
    // cache is best effort (docs/CONTRACT.md#c-10-3: fail open for cache)
  }
}
