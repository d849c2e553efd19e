import { closeDb, createDb, type Db, events, healthChecks, requestFingerprints, urls } from '@ghostlink/db'
import { createBlockingRedis } from '@ghostlink/links'
import { cleanRedisPrefix, createTestDatabase, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import type { Redis } from 'ioredis'

export type TestEnv = { db: Db; redis: Redis; prefix: string; dbUrl: string; close: () => Promise<void> }

/** A fresh database and a private Redis prefix for one test file. */
export async function createTestEnv(): Promise<TestEnv> {
  const tdb = await createTestDatabase()
  const prefix = testRedisPrefix()
  const db = createDb(tdb.url, 4)
  const redis = createBlockingRedis(TEST_REDIS_URL, 'risk-test')
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
/** Inserts a URL; returns its id and code. */
export async function insertUrl(db: Db, original_url = 'https://example.com/page', is_active = true) {
  seq += 1
  const short_code = `c${Date.now().toString(36).slice(-5)}${seq}`.slice(0, 10)
  const [row] = await db
    .insert(urls)
    .values({ short_code, original_url, is_active })
    .returning({ id: urls.id, short_code: urls.short_code })
  return row!
}

export const addHealth = (
  db: Db,
  url_id: number,
  health_status: 'OK' | 'DEAD' | 'CHAINED' | 'SSL_INVALID',
  status_code: number | null,
  chain = 0,
) => db.insert(healthChecks).values({ url_id, health_status, status_code, redirect_chain_length: chain })

export const addEvents = (db: Db, url_id: number, event_type: string, n: number) =>
  db.insert(events).values([...Array(n)].map(() => ({ url_id, event_type })))

export const addDeadHits = (db: Db, short_code: string, n: number, over: Partial<typeof requestFingerprints.$inferInsert> = {}) =>
  db.insert(requestFingerprints).values(
    [...Array(n)].map(() => ({
      short_code,
      client_ip: '203.0.113.9',
      user_agent: 'curl/8',
      status_code: 404,
      is_dead_link: true,
      ...over,
    })),
  )
