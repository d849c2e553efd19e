import { BadRequest, type HttpError, hasLoneSurrogate, Unprocessable } from '@ghostlink/http'
import { z } from 'zod'
import { isReservedCode } from '../urls/reserved-codes.js'

/** Parses `input` with `schema`, or throws the contract error for the field (first failing rule wins). */
export function parseOr<T>(schema: z.ZodType<T>, input: unknown, toError: () => HttpError): T {
  const r = schema.safeParse(input)
  if (!r.success) throw toError()
  return r.data
}

// Postgres varchar(n) counts characters (code points), not UTF-16 units.
const maxChars = (n: number) => (s: string) => [...s].length <= n
// Control characters can never be stored safely (NUL breaks Postgres text) nor sent back in a Location header.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const noControlChars = (s: string) => !/[\u0000-\u001f\u007f]/.test(s)

function parseHttpUrl(s: string): URL | undefined {
  try {
    const u = new URL(s)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' ? u : undefined
  } catch {
    return undefined
  }
}

/**
 * The destination as it is stored and redirected to. `scheme://…` without a backslash is kept as given (the contract
 * echoes it); any other spelling the URL parser accepts (`https:evil.com`, `http:/evil.com`, `https:\\evil.com`) is stored
 * in its canonical form, so what a browser does with the Location header is exactly what the validator saw.
 */
const canonicalDestination = (s: string, u: URL) => (/^https?:\/\//i.test(s) && !s.includes('\\') ? s : u.href)

/** docs/CONTRACT.md#c-1-2 step 3 + docs/decisions/rewrite-decisions.md#d-2: http(s) with a host, at most 2048 characters. */
export const OriginalUrl = z
  .string()
  .transform((s) => s.trim())
  .refine(maxChars(2048))
  .refine(noControlChars)
  // a lone surrogate would be percent-encoded as U+FFFD by the URL parser: refused, never silently replaced
  .refine((s) => !hasLoneSurrogate(s))
  .transform((s, ctx) => {
    const u = parseHttpUrl(s)
    if (!u) {
      ctx.addIssue({ code: 'custom', message: 'Invalid URL' })
      return z.NEVER
    }
    return { url: canonicalDestination(s, u), hasCredentials: u.username !== '' || u.password !== '' }
  })

/** docs/decisions/rewrite-decisions.md#d-2: ASCII `[A-Za-z0-9]{1,10}` after trimming, and never a reserved word. */
export const CustomCode = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().regex(/^[A-Za-z0-9]{1,10}$/))
  .refine((s) => !isReservedCode(s))

/**
 * docs/CONTRACT.md#c-1-2 step 5: the original coerced with Python's int(): numeric strings pass, floats truncate (1.9 → 1),
 * booleans and "1.0"/"abc" fail; the result must be > 0.
 */
export const UserIdInput = z
  .union([
    z.number().refine(Number.isFinite),
    z
      .string()
      .regex(/^\s*[+-]?\d+\s*$/)
      .transform(Number),
  ])
  .transform((n) => Math.trunc(n))
  .pipe(z.number().int().positive())

/** docs/CONTRACT.md#c-1-2 step 6 + docs/decisions/rewrite-decisions.md#d-2: null or a string of at most 255 characters. */
export const Title = z
  .string()
  .refine(maxChars(255))
  .refine((s) => !s.includes('\u0000') && !hasLoneSurrogate(s))
  .nullable()

export const IsActive = z.boolean()

/** docs/CONTRACT.md#c-1-6 step 2: the only keys PUT/PATCH accept, plus the per-link options (schemas/link-options.ts). */
const OPTION_KEY_NAMES = ['redirect_type', 'forward_query', 'expires_at', 'max_clicks'] as const
export const UPDATE_KEYS = new Set(['original_url', 'title', 'is_active', 'user_id', ...OPTION_KEY_NAMES])
export const MUTABLE_KEYS = ['original_url', 'title', 'is_active', ...OPTION_KEY_NAMES] as const

/**
 * 422 `Invalid URL` as the contract says; then a URL with credentials (`https://paypal.com@evil.example`, a classic
 * phishing form) is 400: nobody shortens a link to send a password along (issue 13, docs/decisions/2026-11-27-destination-canonical-form.md).
 */
export const parseOriginalUrl = (v: unknown): string => {
  const { url, hasCredentials } = parseOr(OriginalUrl, v, () => Unprocessable('Invalid URL'))
  if (hasCredentials) throw BadRequest('URL must not contain credentials')
  return url
}
export const parseCustomCode = (v: unknown) => parseOr(CustomCode, v, () => Unprocessable('Invalid short_code'))
export const parseUserId = (v: unknown) => parseOr(UserIdInput, v, () => BadRequest('Invalid user_id'))
export const parseTitle = (v: unknown) => parseOr(Title, v, () => BadRequest('Invalid title'))
export const parseIsActive = (v: unknown) => parseOr(IsActive, v, () => BadRequest('Invalid is_active'))

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v)
const queryInt = z
  .preprocess(
    first,
    z
      .string()
      .regex(/^\s*[+-]?\d+\s*$/)
      .transform(Number),
  )
  .optional()
  .catch(undefined)
const positiveQueryInt = queryInt.pipe(z.number().int().positive().optional()).catch(undefined)

/**
 * docs/CONTRACT.md#c-1-4: `user_id` that is not an integer and `is_active` outside 1|true|yes / 0|false|no are ignored.
 * `page`/`per_page` are additions: without a valid one, every row is returned as the contract says.
 */
export const ListUrlsQuery = z.object({
  user_id: queryInt,
  is_active: z
    .preprocess(first, z.string())
    .transform((s) => {
      const v = s.trim().toLowerCase()
      return ['1', 'true', 'yes'].includes(v) ? true : ['0', 'false', 'no'].includes(v) ? false : undefined
    })
    .optional()
    .catch(undefined),
  page: positiveQueryInt,
  per_page: positiveQueryInt,
  /** issue 14: `expired` (expires_at passed) or `exhausted` (max_clicks reached); any other value is ignored */
  state: z
    .preprocess(first, z.enum(['expired', 'exhausted']))
    .optional()
    .catch(undefined),
})
export type ListUrlsQuery = z.infer<typeof ListUrlsQuery>

export const MAX_PER_PAGE = 1000
export const DEFAULT_PER_PAGE = 100

/** Ids are Postgres `integer`: an all-digit segment beyond its range names no row. */
export const MAX_DB_INT = 2_147_483_647
export const isDigits = (s: string) => /^\d+$/.test(s)
