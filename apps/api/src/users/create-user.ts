import { type Db, resetIdSequence, type User, users } from '@ghostlink/db'
import { Conflict } from '@ghostlink/http'
import { eq, or } from 'drizzle-orm'
import type { NewUser } from '../schemas/users.js'

const UserExists = () => Conflict('User already exists')

async function tryInsert(db: Db, user: NewUser): Promise<User | undefined> {
  const [row] = await db.insert(users).values(user).onConflictDoNothing().returning()
  return row
}

/**
 * docs/CONTRACT.md#c-1-11: 409 when the email or the username is taken. The insert itself is the check (no race between
 * check and insert); if nothing clashed, the conflict was the id sequence lagging behind imported ids, so the
 * sequence is moved past MAX(id) and the insert retried once.
 */
export async function createUser(db: Db, user: NewUser): Promise<User> {
  const row = await tryInsert(db, user)
  if (row) return row
  const [clash] = await db
    .select({ id: users.id })
    .from(users)
    .where(or(eq(users.email, user.email), eq(users.username, user.username)))
    .limit(1)
  if (clash) throw UserExists()
  await resetIdSequence(db, 'users')
  const retried = await tryInsert(db, user)
  if (!retried) throw UserExists()
  return retried
}
