export { createRedis, createBlockingRedis, redisStatus, type RedisStatus } from './clients.js'
export { redisKeys, type RedisKeys } from './keys.js'
export { invalidateLink } from './invalidate.js'
export {
  type InvalidationListener,
  type InvalidationSubscription,
  type LinkInvalidation,
  localInvalidation,
  redisInvalidation,
} from './invalidation.js'
export { bestEffort, isReady } from './best-effort.js'
export { redisPersistence, persistenceWarning, type RedisPersistence } from './persistence.js'
