import { z } from 'zod'

/**
 * A link's per-link options in the form the redirect tier needs them (issue 14). Only what changes the answer is
 * kept: an answer for a link without options has no `options` key at all, so the plain path tests one property.
 * `expires_at` is epoch ms; `clicks` is the link's served redirects as the database recorded them when the answer
 * was read (present with `max_clicks`): the seed of the Redis counter (packages/links/src/click-limit.ts).
 */
export type LinkOptions = {
  redirect_type?: 301 | 307 | 308
  forward_query?: true
  expires_at?: number
  max_clicks?: number
  clicks?: number
}

/**
 * What a short code resolves to: everything a redirect needs, so a cache hit reads no database
 * (docs/decisions/rewrite-decisions.md#d-3).
 */
export type LinkAnswer =
  | {
      kind: 'found'
      id: number
      user_id: number | null
      original_url: string
      is_active: boolean
      quarantined: boolean
      options?: LinkOptions
    }
  | { kind: 'missing'; quarantined: boolean }

export type FoundLink = Extract<LinkAnswer, { kind: 'found' }>

const LinkOptionsSchema = z.object({
  redirect_type: z.union([z.literal(301), z.literal(307), z.literal(308)]).optional(),
  forward_query: z.literal(true).optional(),
  expires_at: z.number().optional(),
  max_clicks: z.number().int().positive().optional(),
  clicks: z.number().int().nonnegative().optional(),
})

// The cached form in Redis is read back through this schema: anything else in the key is treated as a miss.
export const LinkAnswerSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('found'),
    id: z.number().int(),
    user_id: z.number().int().nullable(),
    original_url: z.string(),
    is_active: z.boolean(),
    quarantined: z.boolean(),
    options: LinkOptionsSchema.optional(),
  }),
  z.object({ kind: z.literal('missing'), quarantined: z.boolean() }),
])

/** The stored option columns of a link (null = not set). */
export type StoredLinkOptions = {
  redirect_type: number | null
  forward_query: boolean | null
  /** epoch ms */
  expires_at: number | null
  max_clicks: number | null
  clicks: number | null
}

/** The answer's `options`, or undefined when no stored option changes the contract's 302 (302 and false are defaults). */
export function toLinkOptions(s: StoredLinkOptions): LinkOptions | undefined {
  const o: LinkOptions = {}
  let any = false
  if (s.redirect_type === 301 || s.redirect_type === 307 || s.redirect_type === 308) {
    o.redirect_type = s.redirect_type
    any = true
  }
  if (s.forward_query === true) {
    o.forward_query = true
    any = true
  }
  if (s.expires_at !== null) {
    o.expires_at = s.expires_at
    any = true
  }
  if (s.max_clicks !== null) {
    o.max_clicks = s.max_clicks
    o.clicks = s.clicks ?? 0
    any = true
  }
  return any ? o : undefined
}

/** Parses a cached Redis value; undefined when absent or not a valid answer (corrupt or from an older format). */
export function decodeLinkAnswer(raw: string | null): LinkAnswer | undefined {
  if (raw === null) return undefined
  try {
    const parsed = LinkAnswerSchema.safeParse(JSON.parse(raw))
    if (!parsed.success) return undefined
    const answer = parsed.data
    // zod leaves no `options: undefined` behind for a plain link, but be explicit: the plain path tests the key
    if (answer.kind === 'found' && answer.options === undefined) delete answer.options
    return answer as LinkAnswer
  } catch {
    return undefined
  }
}
