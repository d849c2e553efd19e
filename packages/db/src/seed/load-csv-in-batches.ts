import { type CsvRecord, readCsv } from '../queries/read-csv.js'
import { emptyReport, note, type TableReport } from './report.js'

/**
 * Streams a seed CSV: each record becomes a row (or a reason it is skipped, noted in the report), and rows are
 * handed to `write` in batches of `batchSize`. Returns the table's report, counted by `write` and by the skips here.
 */
export async function loadCsvInBatches<R>(
  file: string,
  batchSize: number,
  toRow: (record: CsvRecord, line: number, report: TableReport) => R | string,
  write: (rows: R[], report: TableReport) => Promise<void>,
): Promise<TableReport> {
  const report = emptyReport()
  let batch: R[] = []
  let line = 1 // the header
  for await (const record of readCsv(file)) {
    line++
    report.read++
    const row = toRow(record, line, report)
    if (typeof row === 'string') {
      report.skipped++
      note(report, `line ${line}: ${row}, skipped`)
      continue
    }
    batch.push(row)
    if (batch.length >= batchSize) {
      await write(batch, report)
      batch = []
    }
  }
  if (batch.length > 0) await write(batch, report)
  return report
}
