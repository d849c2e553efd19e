export { createTestDatabase, type TestDatabase } from '@ghostlink/db/test-database'
export { testRedisPrefix, cleanRedisPrefix, redisReady, TEST_REDIS_URL } from './test-redis.js'
export { createTestEnv, type TestEnv } from './test-env.js'
// polling in tests: vitest's vi.waitFor / expect.poll, no helper of our own
export { freePort } from './free-port.js'
export { listensOn, PortTakenError, retryOnPortTaken, waitForOwnServer } from './port-owner.js'
export { seededRandom } from './seeded-random.js'
export { startThrowawayRedis, type ThrowawayRedis, type ThrowawayRedisOptions } from './throwaway-redis.js'
export { startThrowawayPostgres, type ThrowawayPostgres, type ThrowawayPostgresOptions } from './throwaway-postgres.js'
