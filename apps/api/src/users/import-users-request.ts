import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { CsvFormatError, type CsvRecord, type Db, type ImportUsersResult, importUsers, importUsersCsv, readCsv } from '@ghostlink/db'
import { BadRequest, HttpError, NotFound } from '@ghostlink/http'
import type { FastifyRequest } from 'fastify'
import { bulkBody, bulkFileName, parseRowCount } from './bulk-request.js'

const MULTIPART_OVERHEAD = 64 * 1024
const PayloadTooLarge = () => new HttpError(413, 'Payload too large')

/** Throws at the end of a truncated upload, before importUsers flushes its last batch. */
async function* failIfTruncated(records: AsyncIterable<CsvRecord>, file: { truncated: boolean }): AsyncGenerator<CsvRecord> {
  yield* records
  if (file.truncated) throw PayloadTooLarge()
}

// busboy throws a plain Error ("Multipart: Boundary not found", "Unexpected end of form") for a malformed body.
const InvalidMultipart = () => BadRequest('Invalid multipart body')
const BOUNDARY = /;\s*boundary=("[^"]+"|[^;\s]+)/i

/** The first part of the upload; a body without a boundary or cut short before its first part is 400, not 500. */
async function firstPart(req: FastifyRequest) {
  if (!BOUNDARY.test(String(req.headers['content-type'] ?? ''))) throw InvalidMultipart()
  try {
    return await req.file()
  } catch (err) {
    if (err instanceof HttpError || typeof (err as { statusCode?: unknown }).statusCode === 'number') throw err
    throw InvalidMultipart()
  }
}

export type BulkImport = { file: string; result: ImportUsersResult }

/** A CSV the parser could not read is the client's fault: 400, never 500. */
async function importOrThrow(run: () => Promise<ImportUsersResult>): Promise<ImportUsersResult> {
  try {
    return await run()
  } catch (err) {
    if (err instanceof CsvFormatError) throw BadRequest('Invalid CSV')
    throw err
  }
}

/** JSON form `{file, row_count}`: reads only from DATA_DIR (docs/decisions/rewrite-decisions.md#d-2). */
export async function importFromDataDir(db: Db, dataDir: string, rawBody: unknown): Promise<BulkImport> {
  const body = bulkBody(rawBody)
  const file = bulkFileName(body.file)
  const path = resolve(dataDir, file)
  const found = await stat(path).then(
    (s) => s.isFile(),
    () => false,
  )
  if (!found || !(await access(path, constants.R_OK).then(() => true, () => false))) throw NotFound('File not found')
  const result = await importOrThrow(() => importUsersCsv(db, path, { rowLimit: parseRowCount(body.row_count) }))
  return { file, result }
}

/**
 * Multipart form: field `file` is the CSV (streamed, never buffered whole); `row_count` may come as a form field
 * before the file or in the query string. Size is capped by the multipart `fileSize` limit (413 past it).
 */
export async function importFromUpload(db: Db, req: FastifyRequest, maxFileBytes: number): Promise<BulkImport> {
  // Refuse an announced oversize body before any row is inserted (multipart framing adds a little on top of the file).
  if (Number(req.headers['content-length'] ?? 0) > maxFileBytes + MULTIPART_OVERHEAD) throw PayloadTooLarge()
  const part = await firstPart(req)
  if (part?.fieldname !== 'file') {
    part?.file.resume() // let the upload finish so the 400 can be sent
    throw BadRequest('Missing file')
  }
  const field = part.fields.row_count
  const fieldValue = field && !Array.isArray(field) && 'value' in field ? field.value : undefined
  const rowLimit = parseRowCount(fieldValue ?? (req.query as Record<string, unknown> | undefined)?.row_count)
  // @fastify/multipart only truncates a streamed file at the limit; turn that into an error so it ends as a 413.
  // The limit may already have been hit while the part was buffered, hence the checks of `truncated` too.
  part.file.once('limit', () => part.file.destroy(PayloadTooLarge()))
  if (part.file.truncated) throw PayloadTooLarge()
  const result = await importOrThrow(() => importUsers(db, failIfTruncated(readCsv(part.file, rowLimit), part.file), { rowLimit }))
  const file = basename(part.filename.replaceAll('\\', '/')).slice(0, 255) || 'upload.csv'
  return { file, result }
}
