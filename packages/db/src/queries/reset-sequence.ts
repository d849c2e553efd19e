import { sql } from 'drizzle-orm'
import type { Db } from '../client.js'

export type SerialTable = 'users' | 'urls' | 'events'

/**
 * Moves `<table>.id`'s sequence past MAX(id) so the next default id never collides with an imported explicit id
 * (the original seed never did this, hence its "sequence drift recovery" hack: docs/CONTRACT.md#c-2-seed). Never moves it backwards.
 */
export async function resetIdSequence(db: Db, table: SerialTable): Promise<void> {
  const seqName = `${table}_id_seq`
  await db.execute(sql`
    select setval(${seqName}::regclass, greatest(
      (select coalesce(max(id), 0) from ${sql.identifier(table)}),
      (select case when is_called then last_value else last_value - 1 end from ${sql.identifier(seqName)}),
      0) + 1, false)`)
}
