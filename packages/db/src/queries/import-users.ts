import type { Readable } from 'node:stream'
import { hasDeceptiveChars } from '@ghostlink/http/text'
import type { Db } from '../client.js'
import { type CsvRecord, readCsv } from './read-csv.js'
import { resetIdSequence } from './reset-sequence.js'
import { parseTimestamp } from './timestamp.js'

export type SkipReason =
  | 'blank username or email'
  | 'too long or invalid characters'
  | 'id out of range'
  | 'duplicate id, username or email'

/** One skipped row, for reports (line = CSV line number, header is line 1). */
export type SkippedUser = { line: number; id: number | null; username: string; reason: SkipReason }

export type ImportUsersResult = {
  /** data rows read */
  processed: number
  /** rows inserted */
  imported: number
  /** rows not inserted (blank fields, invalid values, duplicates) */
  skipped: number
  /** the first skipped rows with their reason (at most `sampleSize`) */
  skippedSample: SkippedUser[]
}

export type ImportUsersOptions = { rowLimit?: number; batchSize?: number; sampleSize?: number }

type UserRow = { line: number; id: number | null; username: string; email: string; created_at: string | null }

/**
 * The largest explicit id an import may store. `users.id` is a serial (max 2_147_483_647) and the sequence is moved past
 * every imported id, so an id near the top would leave `POST /users` no ids to hand out. Half the range stays for
 * generated ids (docs/decisions/2026-11-27-import-id-range.md).
 */
export const MAX_IMPORTED_ID = 1_000_000_000
const chars = (s: string) => [...s].length

/** docs/CONTRACT.md#c-1-12 per-row rules: trimmed username/email, explicit id when it parses as an int, created_at or now. */
function toUserRow(record: CsvRecord, line: number): UserRow | SkipReason {
  const username = (record.username ?? '').trim()
  const email = (record.email ?? '').trim()
  if (username === '' || email === '') return 'blank username or email'
  if (chars(username) > 100 || chars(email) > 255 || hasDeceptiveChars(username) || hasDeceptiveChars(email)) {
    return 'too long or invalid characters'
  }
  const rawId = (record.id ?? '').trim()
  const id = /^\d+$/.test(rawId) && Number(rawId) > 0 ? Number(rawId) : null
  if (id !== null && id > MAX_IMPORTED_ID) return 'id out of range'
  const created = record.created_at ? parseTimestamp(record.created_at) : undefined
  // Naive UTC for a `timestamp without time zone` column.
  const created_at = created ? created.toISOString().replace('Z', '') : null
  return { line, id, username, email, created_at }
}

/** One multi-row INSERT … ON CONFLICT DO NOTHING (any unique index: id, username, email); returns inserted usernames. */
async function insertBatch(db: Db, rows: UserRow[], withId: boolean): Promise<Set<string>> {
  if (rows.length === 0) return new Set()
  const sql = db.$client
  const payload = JSON.stringify(rows.map(({ id, username, email, created_at }) => ({ id, username, email, created_at })))
  const inserted = withId
    ? await sql<{ username: string }[]>`
        insert into users (id, username, email, created_at)
        select id, username, email, coalesce(created_at, now())
        from json_to_recordset(${payload}::json) as t(id int, username text, email text, created_at timestamp)
        on conflict do nothing returning username`
    : await sql<{ username: string }[]>`
        insert into users (username, email, created_at)
        select username, email, coalesce(created_at, now())
        from json_to_recordset(${payload}::json) as t(username text, email text, created_at timestamp)
        on conflict do nothing returning username`
  return new Set(inserted.map((r) => r.username))
}

/**
 * Imports user records in batches of multi-row inserts (docs/CONTRACT.md#c-1-12, docs/decisions/rewrite-decisions.md#d-2). Rows with an
 * explicit id go first in each batch; the sequence is moved past them before rows without an id are inserted,
 * so generated ids never collide with imported ones. Counts are honest: imported + skipped = processed.
 */
export async function importUsers(
  db: Db,
  records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>,
  opts: ImportUsersOptions = {},
): Promise<ImportUsersResult> {
  const batchSize = opts.batchSize ?? 1000
  const sampleSize = opts.sampleSize ?? 20
  const rowLimit = opts.rowLimit ?? Number.POSITIVE_INFINITY
  const result: ImportUsersResult = { processed: 0, imported: 0, skipped: 0, skippedSample: [] }
  const skip = (s: Omit<SkippedUser, 'reason'>, reason: SkipReason) => {
    result.skipped++
    if (result.skippedSample.length < sampleSize) result.skippedSample.push({ ...s, reason })
  }
  let batch: UserRow[] = []

  const flush = async () => {
    const withId = batch.filter((r) => r.id !== null)
    const withoutId = batch.filter((r) => r.id === null)
    batch = []
    const done = await insertBatch(db, withId, true)
    if (withoutId.length > 0) await resetIdSequence(db, 'users')
    for (const name of await insertBatch(db, withoutId, false)) done.add(name)
    for (const row of [...withId, ...withoutId]) {
      if (done.has(row.username)) {
        result.imported++
        done.delete(row.username) // a second row with the same username in this batch was not the inserted one
      } else skip(row, 'duplicate id, username or email')
    }
  }

  let line = 1
  for await (const record of records) {
    if (result.processed >= rowLimit) break
    line++
    result.processed++
    const row = toUserRow(record, line)
    if (typeof row === 'string') {
      skip({ line, id: null, username: (record.username ?? '').trim().slice(0, 100) }, row)
      continue
    }
    batch.push(row)
    if (batch.length >= batchSize) await flush()
  }
  await flush()
  await resetIdSequence(db, 'users')
  return result
}

/** importUsers over a CSV file path or stream (header `id,username,email,created_at`). Shared by the seed and POST /users/bulk. */
export function importUsersCsv(db: Db, input: Readable | string, opts: ImportUsersOptions = {}): Promise<ImportUsersResult> {
  return importUsers(db, readCsv(input, opts.rowLimit), opts)
}
