import type { ImportUsersResult } from '@ghostlink/db'

/**
 * docs/CONTRACT.md#c-1-12 keys, honest values (docs/CONTRACT.md#c-11-2-2): processed = rows read, imported = loaded = rows inserted,
 * skipped = rows not inserted, row_count = processed.
 */
export const toBulkResponse = (file: string, r: ImportUsersResult) => ({
  file,
  imported: r.imported,
  loaded: r.imported,
  processed: r.processed,
  skipped: r.skipped,
  row_count: r.processed,
})

/** 201 when at least one row was read, else 200 (docs/CONTRACT.md#c-1-12). */
export const bulkStatus = (r: ImportUsersResult) => (r.processed > 0 ? 201 : 200)
