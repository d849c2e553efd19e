import { type LinkInvalidation, redisInvalidation } from '@ghostlink/redis'
import type { Redis } from 'ioredis'

/** The deps' invalidation, else Redis pub/sub on `redis` (best effort; a no-op without a client). */
export const invalidatorOf = (deps: { redis?: Redis; prefix: string; invalidation?: LinkInvalidation }): LinkInvalidation =>
  deps.invalidation ?? redisInvalidation({ redis: deps.redis, prefix: deps.prefix })
