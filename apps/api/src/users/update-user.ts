import { type Db, isUniqueViolation, type User, users } from '@ghostlink/db'
import { Conflict, NotFound } from '@ghostlink/http'
import { eq } from 'drizzle-orm'
import type { UserChanges } from '../schemas/users.js'

/** docs/CONTRACT.md#c-1-11: `{}` returns the user unchanged; a unique clash is 409; deleted meanwhile is 404. */
export async function updateUserOrThrow(db: Db, current: User, changes: UserChanges): Promise<User> {
  if (changes.username === undefined && changes.email === undefined) return current
  try {
    const [row] = await db.update(users).set(changes).where(eq(users.id, current.id)).returning()
    if (!row) throw NotFound()
    return row
  } catch (err) {
    if (isUniqueViolation(err)) throw Conflict('User already exists')
    throw err
  }
}
