export { createRedis, createBlockingRedis, redisStatus } from './clients.js'
export { redisKeys, type RedisKeys } from './keys.js'
export { invalidateLink } from './invalidate.js'
export { bestEffort, isReady } from './best-effort.js'
