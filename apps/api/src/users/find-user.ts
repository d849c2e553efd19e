import { type Db, type User, users } from '@ghostlink/db'
import { NotFound } from '@ghostlink/http'
import { eq } from 'drizzle-orm'

export async function findUserOrThrow(db: Db, id: number): Promise<User> {
  const [row] = await db.select().from(users).where(eq(users.id, id))
  if (!row) throw NotFound()
  return row
}
