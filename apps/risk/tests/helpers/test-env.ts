import { type Db, events, healthChecks, requestFingerprints, urls } from '@ghostlink/db'
import { createTestEnv as createSharedTestEnv } from '@ghostlink/testing'

export type { TestEnv } from '@ghostlink/testing'

/** A fresh database and a private Redis prefix (also BullMQ's prefix) for one test file. */
export const createTestEnv = () => createSharedTestEnv({ name: 'risk-test', poolMax: 4 })

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
