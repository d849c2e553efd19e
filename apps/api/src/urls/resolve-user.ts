import { type Db, users } from '@ghostlink/db'
import { NotFound } from '@ghostlink/http'
import { eq } from 'drizzle-orm'
import { MAX_DB_INT, parseUserId } from '../schemas/urls.js'

/** docs/CONTRACT.md#c-1-2 step 5: coerce (400 `Invalid user_id`), then the user must exist (404 `User not found`). */
export async function resolveUserIdOrThrow(db: Db, raw: unknown): Promise<number> {
  const id = parseUserId(raw)
  if (id > MAX_DB_INT) throw NotFound('User not found')
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.id, id))
  if (!row) throw NotFound('User not found')
  return id
}
