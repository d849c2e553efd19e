import { closeDb, createDb, type Db, urls } from '@ghostlink/db'
import { createBlockingRedis } from '@ghostlink/links'
import { cleanRedisPrefix, createTestDatabase, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import type { Redis } from 'ioredis'

export type TestEnv = { db: Db; redis: Redis; prefix: string; dbUrl: string; close: () => Promise<void> }

/** A fresh database and a private Redis prefix (also BullMQ's prefix) for one test file. */
export async function createTestEnv(): Promise<TestEnv> {
  const tdb = await createTestDatabase()
  const prefix = testRedisPrefix()
  const db = createDb(tdb.url, 6)
  const redis = createBlockingRedis(TEST_REDIS_URL, 'prober-test')
  await new Promise((resolve) => redis.once('ready', resolve))
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

let seq = 0
export async function insertUrl(db: Db, original_url: string, is_active = true) {
  seq += 1
  const [row] = await db
    .insert(urls)
    .values({ short_code: `p${seq}${Math.random().toString(36).slice(2, 6)}`.slice(0, 10), original_url, is_active })
    .returning({ id: urls.id })
  return row!.id
}
