import type { Db, Url } from '@ghostlink/db'
import { Forbidden } from '@ghostlink/http'
import { resolveUserIdOrThrow } from './resolve-user.js'

/**
 * docs/CONTRACT.md#c-1-6 step 5 / docs/CONTRACT.md#c-1-7: a non-null `user_id` must be a valid, existing user (400/404),
 * and the URL's owner if it has one (403). It asserts ownership, it never reassigns it. Returns the asserted id, or null
 * when absent.
 */
export async function assertOwnerOrThrow(db: Db, url: Url, rawUserId: unknown): Promise<number | null> {
  if (rawUserId === undefined || rawUserId === null) return null
  const userId = await resolveUserIdOrThrow(db, rawUserId)
  if (url.user_id !== null && url.user_id !== userId) throw Forbidden()
  return userId
}
