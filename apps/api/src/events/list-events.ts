import { type Db, events, urls } from '@ghostlink/db'
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm'
import { type ListEventsQuery, MAX_DB_INT } from '../schemas/events.js'
import { toEventObject } from './event-object.js'

/** docs/CONTRACT.md#c-1-13: filters url_id, user_id, event_type; ordered by id; page/per_page (default 100, cap 1000). */
export type ListEventsScope = {
  /** only events of links this user owns (a user key); undefined = every event */
  ownerId?: number
  /** add `actor_key_id` to each event (token mode) */
  withActor?: boolean
}

export async function listEvents(db: Db, q: ListEventsQuery, scope: ListEventsScope = {}) {
  // An id outside the int range or a NUL in the type can match no row (and must not reach Postgres as a bad parameter).
  const outOfRange = (n: number | undefined) => n !== undefined && (n < -MAX_DB_INT - 1 || n > MAX_DB_INT)
  if (outOfRange(q.url_id) || outOfRange(q.user_id) || q.event_type?.includes('\u0000')) return []
  const where: SQL[] = []
  if (q.url_id !== undefined) where.push(eq(events.url_id, q.url_id))
  if (q.user_id !== undefined) where.push(eq(events.user_id, q.user_id))
  if (q.event_type !== undefined) where.push(eq(events.event_type, q.event_type))
  if (scope.ownerId !== undefined) {
    where.push(inArray(events.url_id, db.select({ id: urls.id }).from(urls).where(eq(urls.user_id, scope.ownerId))))
  }
  const rows = await db
    .select()
    .from(events)
    .where(and(...where))
    .orderBy(asc(events.id))
    .limit(q.per_page)
    .offset((q.page - 1) * q.per_page)
  return rows.map((e) => toEventObject(e, scope.withActor))
}
