import type { Redis } from 'ioredis'
import { bestEffort } from './best-effort.js'
import { redisKeys } from './keys.js'

/**
 * Drops the cached answer for `code` in Redis and tells every replica to drop its in-process copy.
 * Best effort: with Redis down there is nothing cached there, and replicas' local TTL bounds staleness.
 */
export async function invalidateLink(redis: Redis | undefined, prefix: string, code: string): Promise<void> {
  const keys = redisKeys(prefix)
  await bestEffort(redis, (r) => r.multi().del(keys.link(code)).publish(keys.invalidations, code).exec())
}
