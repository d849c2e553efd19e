import { BadRequest, checkJson, HttpError, hasLoneSurrogate, type JsonObject, isJsonObject } from '@ghostlink/http'
import { z } from 'zod'
import { MAX_DB_INT, pageQuery } from './users.js'

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v)
// docs/CONTRACT.md#c-1-13: a filter that is not an integer is ignored (undefined); one beyond a Postgres int matches nothing.
const idFilter = z.preprocess(first, z.string().regex(/^\s*[+-]?\d+\s*$/).transform(Number)).optional().catch(undefined)

export const ListEventsQuery = z.object({
  url_id: idFilter,
  user_id: idFilter,
  // empty is ignored; NUL can never match a stored value and would break the Postgres text protocol
  event_type: z
    .preprocess(first, z.string())
    .transform((s) => (s === '' ? undefined : s))
    .optional()
    .catch(undefined),
  ...pageQuery(100),
})
export type ListEventsQuery = z.infer<typeof ListEventsQuery>

/** The three POST /events errors without `code` (docs/CONTRACT.md#c-1-0), kept byte for byte (docs/decisions/rewrite-decisions.md#d-1). */
export const InvalidUrlIdNoCode = () => new HttpError(404, 'invalid url_id', false)
export const InvalidUserIdNoCode = () => new HttpError(404, 'invalid user_id', false)
export const DetailsNotObject = () => new HttpError(400, 'details must be an object', false)

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/
const chars = (s: string) => [...s].length

/** A JSON integer (not bool, not "1", not 1.5) in 1..MAX_DB_INT; larger ones are valid but match no row. */
const JsonId = z.number().int().positive()

export const parseUrlId = (v: unknown): number => {
  if (v === undefined || v === null) throw BadRequest('Missing url_id')
  const r = JsonId.safeParse(v)
  if (!r.success) throw BadRequest('Invalid url_id')
  return r.data
}

/** event_type: non-blank (400 Missing), then at most 50 characters, no control characters (400 Invalid, docs/CONTRACT.md#c-11-2-6). */
export const parseEventType = (v: unknown): string => {
  const r = z.string().transform((s) => s.trim()).pipe(z.string().min(1)).safeParse(v)
  if (!r.success) throw BadRequest('Missing event_type')
  if (chars(r.data) > 50 || CONTROL.test(r.data) || hasLoneSurrogate(r.data)) throw BadRequest('Invalid event_type')
  return r.data
}

export const parseOptionalUserId = (v: unknown): number | null => {
  if (v === undefined || v === null) return null
  const r = JsonId.safeParse(v)
  if (!r.success) throw BadRequest('Invalid user_id')
  return r.data
}

/** How deep `details` may nest; real event details are flat, 5,000 levels made jsonb fail with a 500. */
export const MAX_DETAILS_DEPTH = 32

/**
 * details: absent/null or a JSON object (400 without code); jsonb can't hold `\u0000` or a lone surrogate, and deep
 * nesting overflows it, so such details are 400 `Invalid details`.
 */
export const parseDetails = (v: unknown): JsonObject | null => {
  if (v === undefined || v === null) return null
  if (!isJsonObject(v)) throw DetailsNotObject()
  if (checkJson(v, MAX_DETAILS_DEPTH) !== 'ok') throw BadRequest('Invalid details')
  return v
}

const Referrer = z.string().refine((s) => chars(s) <= 2048 && !s.includes('\u0000') && !hasLoneSurrogate(s))

/** docs/CONTRACT.md#c-1-13 step 7: top-level `referrer` if truthy, else `details.referrer`; at most 2048 characters. */
export const parseReferrer = (top: unknown, details: JsonObject | null): string | null => {
  if (top !== undefined && top !== null && top !== '' && top !== false && top !== 0) {
    const r = Referrer.safeParse(top)
    if (!r.success) throw BadRequest('Invalid referrer')
    return r.data
  }
  const nested = details?.referrer
  if (typeof nested !== 'string' || nested === '') return null
  const r = Referrer.safeParse(nested)
  if (!r.success) throw BadRequest('Invalid referrer')
  return r.data
}

export { MAX_DB_INT }
