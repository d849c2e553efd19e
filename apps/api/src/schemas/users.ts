import { parseTimestamp } from '@ghostlink/db'
import { BadRequest, hasDeceptiveChars, type JsonObject, NotFound, Unprocessable } from '@ghostlink/http'
import { z } from 'zod'

export const MAX_DB_INT = 2_147_483_647
export const MAX_PER_PAGE = 1000

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v)

/**
 * A page/per_page query value: a positive integer (Python int() spelling: surrounding spaces and `+` allowed),
 * otherwise the default (docs/CONTRACT.md#c-1-11, docs/CONTRACT.md#c-1-13). per_page is capped at 1000 (docs/CONTRACT.md#c-11-2-8).
 */
const positiveQueryInt = (fallback: number, max: number) =>
  z
    .preprocess(first, z.string().regex(/^\s*\+?\d+\s*$/))
    // clamp before the int check: a huge page is a page past the end, not an invalid value
    .transform((s) => Math.min(Number(s), max))
    .pipe(z.number().int().positive())
    .catch(fallback)

export const pageQuery = (defaultPerPage: number) => ({
  page: positiveQueryInt(1, 10_000_000),
  per_page: positiveQueryInt(defaultPerPage, MAX_PER_PAGE),
})

export const ListUsersQuery = z.object(pageQuery(50))
export type ListUsersQuery = z.infer<typeof ListUsersQuery>

/** `<int:id>` route converter: digits only; anything else (or beyond a Postgres int) can't name a row → 404. */
export const IdParam = z.object({
  id: z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(z.number().int().max(MAX_DB_INT)),
})
export const parseIdParam = (params: unknown) => {
  const r = IdParam.safeParse(params)
  if (!r.success) throw NotFound()
  return r.data.id
}

// docs/CONTRACT.md#c-1-11: non-space/non-@ characters, one @, a dot in the domain part.
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/
const chars = (s: string) => [...s].length

const NonBlank = z.string().transform((s) => s.trim()).pipe(z.string().min(1))
/** docs/decisions/rewrite-decisions.md#d-2: email format on create and update, at most 255 characters. */
// Controls, bidi overrides, zero-width characters and lone surrogates are refused: they can't be stored as sent (NUL,
// surrogates) or make a name render as another one.
const Email = z.string().refine((s) => EMAIL.test(s) && chars(s) <= 255 && !hasDeceptiveChars(s))
/** docs/decisions/rewrite-decisions.md#d-2: at most 100 characters. */
const Username = z.string().refine((s) => chars(s) <= 100 && !hasDeceptiveChars(s))
/** Fixes docs/CONTRACT.md#c-11-2-9: created_at is accepted only as a real ISO or `YYYY-MM-DD HH:MM:SS` timestamp. */
const CreatedAt = z.string().transform((s) => parseTimestamp(s)).pipe(z.date())

export type NewUser = { username: string; email: string; created_at?: Date }
export type UserChanges = { username?: string; email?: string }

/** POST /users, in the contract's order (docs/CONTRACT.md#c-1-11): both strings → email format → username → created_at. */
export function parseNewUser(body: JsonObject): NewUser {
  const username = NonBlank.safeParse(body.username)
  const email = NonBlank.safeParse(body.email)
  if (!username.success || !email.success) throw BadRequest('Missing username or email')
  if (!Email.safeParse(email.data).success) throw Unprocessable('Invalid email')
  if (!Username.safeParse(username.data).success) throw BadRequest('Invalid username')
  const user: NewUser = { username: username.data, email: email.data }
  if (body.created_at !== undefined && body.created_at !== null) {
    const created = CreatedAt.safeParse(body.created_at)
    if (!created.success) throw BadRequest('Invalid created_at')
    user.created_at = created.data
  }
  return user
}

/**
 * PUT/PATCH /users/:id (docs/CONTRACT.md#c-1-11): a present username/email must be a non-blank string (400), and now also a valid,
 * short enough value (username 400, email format or length 422 — the original skipped the format check here).
 * Unknown keys are ignored.
 */
export function parseUserChanges(body: JsonObject): UserChanges {
  const changes: UserChanges = {}
  if ('username' in body) {
    const r = NonBlank.pipe(Username).safeParse(body.username)
    if (!r.success) throw BadRequest('Invalid username')
    changes.username = r.data
  }
  if ('email' in body) {
    const r = NonBlank.safeParse(body.email)
    if (!r.success) throw BadRequest('Invalid email')
    if (!Email.safeParse(r.data).success) throw Unprocessable('Invalid email')
    changes.email = r.data
  }
  return changes
}
