import { type Db, users } from '@ghostlink/db'
import { NotFound } from '@ghostlink/http'
import { eq } from 'drizzle-orm'

/**
 * docs/CONTRACT.md#c-1-11: hard delete. A foreign key sets urls.user_id and a trigger events.user_id to NULL (no orphans,
 * docs/CONTRACT.md#c-11-2-9).
 */
export async function deleteUserOrThrow(db: Db, id: number): Promise<{ message: 'deleted'; id: number }> {
  const [row] = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id })
  if (!row) throw NotFound()
  return { message: 'deleted', id: row.id }
}
