import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { parse } from 'csv-parse'

export type CsvRecord = Record<string, string | undefined>

/** The CSV could not be parsed (unclosed quote, bad encoding…); callers turn it into a 4xx, never a 500. */
export class CsvFormatError extends Error {
  override name = 'CsvFormatError'
}

/**
 * Streams the records of a CSV with a header row (header names trimmed and lower-cased), at most `limit` of them.
 * Stops reading early once the limit is reached and drains the rest of `input` so an HTTP upload can complete.
 * Errors of `input` itself (e.g. an upload over its size limit) are rethrown as they are.
 */
export async function* readCsv(input: Readable | string, limit = Number.POSITIVE_INFINITY): AsyncGenerator<CsvRecord> {
  const source = typeof input === 'string' ? createReadStream(input) : input
  const parser = parse({
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
  })
  let sourceError: unknown
  // busboy destroys (without an error) the file stream of a multipart body that ends before its closing boundary
  if (source.destroyed && !source.readableEnded) throw new CsvFormatError('input closed before its end')
  source.on('error', (err: Error) => {
    sourceError = err
    parser.destroy(err)
  })
  // A stream destroyed without an error (e.g. a multipart body cut short) would otherwise leave the parser waiting forever.
  source.on('close', () => {
    if (!source.readableEnded && sourceError === undefined) {
      sourceError = new CsvFormatError('input closed before its end')
      parser.destroy(sourceError as Error)
    }
  })
  source.pipe(parser)
  let count = 0
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) {
      if (count >= limit) break
      count++
      yield record
    }
  } catch (err) {
    if (sourceError) throw sourceError
    throw new CsvFormatError(err instanceof Error ? err.message : String(err))
  } finally {
    source.unpipe(parser)
    parser.destroy()
    if (typeof input === 'string') source.destroy()
    else if (!source.destroyed && !source.readableEnded) source.resume()
  }
}
