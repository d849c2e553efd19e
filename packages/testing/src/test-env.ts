import { closeDb, createDb, type Db } from '@ghostlink/db'
import { createTestDatabase } from '@ghostlink/db/test-database'
import { Redis } from 'ioredis'
import { cleanRedisPrefix, redisReady, TEST_REDIS_URL, testRedisPrefix } from './test-redis.js'

export type TestEnv = { db: Db; redis: Redis; prefix: string; dbUrl: string; close: () => Promise<void> }

/**
 * A fresh database, a private Redis prefix (also BullMQ's `prefix`) and a connected Redis client fit for BullMQ
 * (maxRetriesPerRequest null) for one test file; `close()` removes all of it.
 */
export async function createTestEnv(opts: { name: string; poolMax?: number }): Promise<TestEnv> {
  const tdb = await createTestDatabase()
  const prefix = testRedisPrefix()
  const db = createDb(tdb.url, opts.poolMax ?? 4)
  const redis = new Redis(TEST_REDIS_URL, { connectionName: opts.name, maxRetriesPerRequest: null })
  await redisReady(redis)
  return {
    db,
    redis,
    prefix,
    dbUrl: tdb.url,
    close: async () => {
      redis.disconnect()
      await closeDb(db)
      await cleanRedisPrefix(prefix)
      await tdb.drop()
    },
  }
}
