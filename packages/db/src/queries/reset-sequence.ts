import { sql } from 'drizzle-orm'
import type { Db } from '../client.js'

export type SerialTable = 'users' | 'urls' | 'events'

/**
 * Moves `<table>.id`'s sequence past MAX(id) so the next default id never collides with an imported explicit id
 * (the original seed never did this, hence its "sequence drift recovery" hack: docs/CONTRACT.md#c-2-seed). Never moves it
 * backwards, and never past the sequence's own maximum: a row already holding the last id (2147483647 for a serial)
 * must not turn every later import or create into a 500 ("setval: value out of bounds").
 */
export async function resetIdSequence(db: Db, table: SerialTable): Promise<void> {
  const seqName = `${table}_id_seq`
  await db.execute(sql`
    select setval(${seqName}::regclass, least(greatest(
      (select coalesce(max(id), 0) from ${sql.identifier(table)}),
      (select case when is_called then last_value else last_value - 1 end from ${sql.identifier(seqName)}),
      0) + 1, (select seqmax from pg_sequence where seqrelid = ${seqName}::regclass)), false)`)
}
