import { type Db, type Url, urls } from '@ghostlink/db'
import { NotFound } from '@ghostlink/http'
import { eq } from 'drizzle-orm'
import { isDigits, MAX_DB_INT } from '../schemas/urls.js'

/** The URL with this id (active or not); null for a non-digit or out-of-range id. */
export async function findUrl(db: Db, id: string | number): Promise<Url | null> {
  const n = typeof id === 'number' ? id : isDigits(id) ? Number(id) : Number.NaN
  if (!Number.isSafeInteger(n) || n > MAX_DB_INT) return null
  const [row] = await db.select().from(urls).where(eq(urls.id, n))
  return row ?? null
}

/** docs/CONTRACT.md#c-1-5: 404 `Not found` when missing. */
export async function findUrlOrThrow(db: Db, id: string | number): Promise<Url> {
  const row = await findUrl(db, id)
  if (!row) throw NotFound()
  return row
}
