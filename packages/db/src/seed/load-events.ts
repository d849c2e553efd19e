import type { Db } from '../client.js'
import type { CsvRecord } from '../queries/read-csv.js'
import { loadCsvInBatches } from './load-csv-in-batches.js'
import { existingIds, type JsonColumn } from './insert-json-rows.js'
import { insertOwnedRows } from './insert-owned-rows.js'
import { note, type TableReport } from './report.js'
import { csvDetails, csvInt, csvText, csvTimestamp } from './seed-values.js'

const COLUMNS: JsonColumn[] = [
  { name: 'id', type: 'int' },
  { name: 'url_id', type: 'int' },
  { name: 'user_id', type: 'int' },
  { name: 'event_type', type: 'text' },
  { name: 'referrer', type: 'text' },
  { name: 'timestamp', type: 'timestamp', expr: 'coalesce(t."timestamp", now())' },
  { name: 'details', type: 'jsonb' },
]

type EventRow = {
  line: number
  id: number
  url_id: number
  user_id: number | null
  event_type: string
  referrer: string | null
  timestamp: string | null
  details: Record<string, unknown> | null
}

function toEventRow(r: CsvRecord, line: number, report: TableReport): EventRow | string {
  const id = csvInt(r.id)
  const url_id = csvInt(r.url_id)
  const event_type = csvText(r.event_type, 50)
  if (id === null) return 'missing or invalid id'
  if (url_id === null) return 'missing or invalid url_id'
  if (event_type === null) return 'missing or invalid event_type'
  let details = csvDetails(r.details)
  if (details === 'invalid') {
    note(report, `line ${line}: details is not a JSON object, dropped`)
    details = null
  }
  const referrer = csvText(r.referrer, 2048) ?? (typeof details?.referrer === 'string' ? csvText(details.referrer, 2048) : null)
  return { line, id, url_id, user_id: csvInt(r.user_id), event_type, referrer, timestamp: csvTimestamp(r.timestamp), details }
}

/**
 * Loads events.csv by id, keeping `details` as jsonb (the original dropped them, docs/CONTRACT.md#c-2-seed). An event whose URL is not
 * loaded is skipped (an event belongs to a link: no foreign key checks it since migration 0007, this does); one whose
 * user is not loaded keeps its row with user_id NULL.
 */
export function loadEvents(db: Db, file: string, batchSize = 1000): Promise<TableReport> {
  return loadCsvInBatches(file, batchSize, toEventRow, async (batch, report) => {
    const knownUrls = await existingIds(db, 'urls', batch.map((r) => r.url_id))
    const rows = batch.filter((row) => {
      if (knownUrls.has(row.url_id)) return true
      report.skipped++
      note(report, `line ${row.line}: event ${row.id} refers to url ${row.url_id}, which is not loaded; skipped`)
      return false
    })
    await insertOwnedRows(db, 'events', COLUMNS, rows, report, (r) => `event ${r.id} by`)
  })
}
