import { BadRequest, isJsonObject, type JsonObject, MALFORMED_BODY, NON_JSON_BODY } from '@ghostlink/http'
import { z } from 'zod'

export const DEFAULT_BULK_FILE = 'users.csv'

/**
 * docs/CONTRACT.md#c-1-12 + docs/decisions/rewrite-decisions.md#d-2: a missing, malformed or non-JSON body means `{}`; a JSON scalar or
 * array is 400 `Missing request body` (the original crashed with a 500 there).
 */
export function bulkBody(body: unknown): JsonObject {
  if (body === undefined || body === MALFORMED_BODY || body === NON_JSON_BODY) return {}
  if (!isJsonObject(body)) throw BadRequest('Missing request body')
  return body
}

/**
 * `file` names a file directly inside DATA_DIR: absent, null or "" mean users.csv; anything that could leave the
 * directory (`/`, `\`, `..`, NUL) or is not a string is 400 `Invalid file` (the original read any server path).
 */
export function bulkFileName(v: unknown): string {
  if (v === undefined || v === null || v === '') return DEFAULT_BULK_FILE
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this rejects
  if (typeof v !== 'string' || v.length > 255 || /[/\\\u0000]/.test(v) || v.includes('..') || v.trim() === '') {
    throw BadRequest('Invalid file')
  }
  return v
}

/** `row_count`: a positive integer (JSON number or digit string) caps the rows read; anything else means all rows. */
export const RowCount = z
  .union([z.number(), z.string().regex(/^\s*\+?\d+\s*$/).transform(Number)])
  .pipe(z.number().int().positive())
  .optional()
  .catch(undefined)

export const parseRowCount = (v: unknown): number | undefined => RowCount.parse(Array.isArray(v) ? v[0] : v)
