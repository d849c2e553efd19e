import { type Db, users } from '@ghostlink/db'
import { asc } from 'drizzle-orm'
import type { ListUsersQuery } from '../schemas/users.js'
import { toUserObject } from './user-object.js'

/** docs/CONTRACT.md#c-1-11: ordered by id, LIMIT per_page OFFSET (page-1)*per_page. */
export async function listUsers(db: Db, q: ListUsersQuery) {
  const rows = await db
    .select()
    .from(users)
    .orderBy(asc(users.id))
    .limit(q.per_page)
    .offset((q.page - 1) * q.per_page)
  return rows.map(toUserObject)
}
