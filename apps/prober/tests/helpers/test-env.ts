import { type Db, urls } from '@ghostlink/db'
import { createTestEnv as createSharedTestEnv } from '@ghostlink/testing'

export type { TestEnv } from '@ghostlink/testing'

/** A fresh database and a private Redis prefix (also BullMQ's prefix) for one test file. */
export const createTestEnv = () => createSharedTestEnv({ name: 'prober-test', poolMax: 6 })

let seq = 0
export async function insertUrl(db: Db, original_url: string, is_active = true) {
  seq += 1
  const [row] = await db
    .insert(urls)
    .values({ short_code: `p${seq}${Math.random().toString(36).slice(2, 6)}`.slice(0, 10), original_url, is_active })
    .returning({ id: urls.id })
  return row!.id
}
