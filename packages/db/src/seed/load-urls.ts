import type { Db } from '../client.js'
import type { CsvRecord } from '../queries/read-csv.js'
import { loadCsvInBatches } from './load-csv-in-batches.js'
import type { JsonColumn } from './insert-json-rows.js'
import { insertOwnedRows } from './insert-owned-rows.js'
import type { TableReport } from './report.js'
import { csvBool, csvInt, csvText, csvTimestamp } from './seed-values.js'

const COLUMNS: JsonColumn[] = [
  { name: 'id', type: 'int' },
  { name: 'user_id', type: 'int' },
  { name: 'short_code', type: 'text' },
  { name: 'original_url', type: 'text' },
  { name: 'title', type: 'text' },
  { name: 'is_active', type: 'boolean' },
  { name: 'created_at', type: 'timestamp', expr: 'coalesce(t.created_at, now())' },
  { name: 'updated_at', type: 'timestamp', expr: 'coalesce(t.updated_at, t.created_at, now())' },
]

type UrlRow = {
  line: number
  id: number
  user_id: number | null
  short_code: string
  original_url: string
  title: string | null
  is_active: boolean
  created_at: string | null
  updated_at: string | null
}

function toUrlRow(r: CsvRecord, line: number): UrlRow | string {
  const id = csvInt(r.id)
  const short_code = csvText(r.short_code, 10)
  const original_url = csvText(r.original_url, 2048)
  if (id === null) return 'missing or invalid id'
  if (short_code === null) return 'missing or invalid short_code'
  if (original_url === null) return 'missing or invalid original_url'
  return {
    line,
    id,
    user_id: csvInt(r.user_id),
    short_code,
    original_url,
    title: csvText(r.title, 255),
    is_active: csvBool(r.is_active, true),
    created_at: csvTimestamp(r.created_at),
    updated_at: csvTimestamp(r.updated_at),
  }
}

/** Loads urls.csv by id (ON CONFLICT DO NOTHING, so a second run inserts nothing); owners that were not loaded become NULL. */
export function loadUrls(db: Db, file: string, batchSize = 1000): Promise<TableReport> {
  return loadCsvInBatches(file, batchSize, toUrlRow, (rows, report) =>
    insertOwnedRows(db, 'urls', COLUMNS, rows, report, (r) => `url ${r.id} owned by`),
  )
}
