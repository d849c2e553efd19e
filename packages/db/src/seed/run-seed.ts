import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from '../client.js'
import { importUsersCsv, type SkippedUser } from '../queries/import-users.js'
import { resetIdSequence } from '../queries/reset-sequence.js'
import { loadEvents } from './load-events.js'
import { loadUrls } from './load-urls.js'
import { emptyReport, note, type TableReport } from './report.js'

export type SeedReport = { users: TableReport; urls: TableReport; events: TableReport }

/** Says which unique value a skipped user row clashed with, e.g. the duplicate username at id 37 (docs/CONTRACT.md#c-2-seed). */
async function explainDuplicate(db: Db, s: SkippedUser): Promise<string> {
  const [row] = await db.$client<{ id: number; username: string }[]>`
    select id, username from users where id = ${s.id ?? 0} or username = ${s.username} limit 1`
  if (!row) return 'email already taken'
  if (row.id === s.id) return `id ${s.id} already loaded`
  return `username ${s.username} already taken by id ${row.id}`
}

async function loadUsers(db: Db, file: string): Promise<TableReport> {
  const res = await importUsersCsv(db, file, { sampleSize: 10 })
  const report: TableReport = { ...emptyReport(), read: res.processed, inserted: res.imported, skipped: res.skipped }
  // On a re-run every row is a known id; that is expected, not a problem worth a line each.
  for (const s of res.skippedSample) {
    const why = s.reason === 'duplicate id, username or email' ? await explainDuplicate(db, s) : s.reason
    if (!why.startsWith(`id ${s.id} already loaded`)) note(report, `line ${s.line}: user ${s.id ?? '?'} (${s.username}): ${why}, skipped`)
  }
  return report
}

/**
 * Loads users.csv, urls.csv and events.csv from `dir` (docs/CONTRACT.md#c-2-seed, docs/CONTRACT.md#c-11-2-3): booleans read right,
 * the duplicate username skipped and reported, details kept, owners that were not loaded set to NULL, sequences
 * moved past the loaded ids. Idempotent: rows are inserted by id with ON CONFLICT DO NOTHING.
 */
export async function runSeed(db: Db, dir: string): Promise<SeedReport> {
  for (const name of ['users.csv', 'urls.csv', 'events.csv']) {
    if (!existsSync(join(dir, name))) throw new Error(`seed file not found: ${join(dir, name)}`)
  }
  const users = await loadUsers(db, join(dir, 'users.csv'))
  const urls = await loadUrls(db, join(dir, 'urls.csv'))
  const events = await loadEvents(db, join(dir, 'events.csv'))
  for (const table of ['users', 'urls', 'events'] as const) await resetIdSequence(db, table)
  return { users, urls, events }
}
