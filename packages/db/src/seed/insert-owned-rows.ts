import type { Db } from '../client.js'
import { existingIds, insertJsonRows, type JsonColumn } from './insert-json-rows.js'
import { note, type TableReport } from './report.js'

type OwnedRow = { id: number; line: number; user_id: number | null }

/**
 * Inserts rows by id (ON CONFLICT DO NOTHING, so a second seed run adds nothing) after setting to NULL the owners
 * that were not loaded (docs/decisions/2026-11-26-foreign-keys-and-seed-orphans.md), and tallies inserted, skipped
 * and owner-nulled rows in `report`. `describe(row)` names a row in the notes.
 */
export async function insertOwnedRows<R extends OwnedRow>(
  db: Db,
  table: 'urls' | 'events',
  columns: JsonColumn[],
  rows: R[],
  report: TableReport,
  describe: (row: R) => string,
): Promise<void> {
  const owners = await existingIds(db, 'users', rows.flatMap((r) => (r.user_id === null ? [] : [r.user_id])))
  const nulled = new Set<number>()
  for (const row of rows) {
    if (row.user_id !== null && !owners.has(row.user_id)) {
      nulled.add(row.id)
      row.user_id = null
    }
  }
  const inserted = new Set((await insertJsonRows<{ id: number }>(db, table, columns, rows)).map((r) => r.id))
  for (const row of rows) {
    if (!inserted.has(row.id)) {
      report.skipped++
      continue
    }
    report.inserted++
    if (nulled.has(row.id)) {
      report.ownerNulled++
      note(report, `line ${row.line}: ${describe(row)} a user that was not loaded, stored with user_id NULL`)
    }
  }
}
