export { createTestDatabase, type TestDatabase } from './test-database.js'
export { testRedisPrefix, cleanRedisPrefix, TEST_REDIS_URL } from './test-redis.js'
export { createTestEnv, type TestEnv } from './test-env.js'
export { freePort, waitForValue } from './wait.js'
