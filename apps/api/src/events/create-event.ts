import { type Db, events, urls, users } from '@ghostlink/db'
import { Forbidden, type JsonObject } from '@ghostlink/http'
import { eq } from 'drizzle-orm'
import {
  InvalidUrlIdNoCode,
  InvalidUserIdNoCode,
  MAX_DB_INT,
  parseDetails,
  parseEventType,
  parseOptionalUserId,
  parseReferrer,
  parseUrlId,
} from '../schemas/events.js'
import { isForeignKeyViolation } from '../users/pg-errors.js'
import { toEventObject } from './event-object.js'

async function urlOwnerOrThrow(db: Db, urlId: number): Promise<{ user_id: number | null }> {
  if (urlId > MAX_DB_INT) throw InvalidUrlIdNoCode()
  const [row] = await db.select({ user_id: urls.user_id }).from(urls).where(eq(urls.id, urlId))
  if (!row) throw InvalidUrlIdNoCode()
  return row
}

async function assertUserExists(db: Db, userId: number): Promise<void> {
  if (userId > MAX_DB_INT) throw InvalidUserIdNoCode()
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId))
  if (!row) throw InvalidUserIdNoCode()
}

/**
 * POST /events in the contract's order (docs/CONTRACT.md#c-1-13; first failing rule wins): url_id missing/invalid → url exists →
 * event_type → user_id invalid/exists/owner → details → referrer. `details` are stored (docs/decisions/rewrite-decisions.md#d-2).
 */
export async function createEvent(db: Db, body: JsonObject, actorKeyId: number | null = null) {
  const urlId = parseUrlId(body.url_id)
  const url = await urlOwnerOrThrow(db, urlId)
  const eventType = parseEventType(body.event_type)
  const userId = parseOptionalUserId(body.user_id)
  if (userId !== null) {
    await assertUserExists(db, userId)
    if (url.user_id !== null && url.user_id !== userId) throw Forbidden()
  }
  const details = parseDetails(body.details)
  const referrer = parseReferrer(body.referrer, details)
  try {
    const [row] = await db
      .insert(events)
      .values({ url_id: urlId, user_id: userId, event_type: eventType, referrer, details, actor_key_id: actorKeyId })
      .returning()
    return toEventObject(row!, actorKeyId !== null)
  } catch (err) {
    // the user was deleted between the check and the insert
    if (isForeignKeyViolation(err)) throw InvalidUserIdNoCode()
    throw err
  }
}
