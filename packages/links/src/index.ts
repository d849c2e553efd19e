export { createRedis, createBlockingRedis, redisStatus } from './redis.js'
export { redisKeys, type RedisKeys } from './keys.js'
export { invalidateLink } from './invalidate.js'
