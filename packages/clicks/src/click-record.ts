import { z } from 'zod'

/**
 * One answered request on /<code> or /r/<code>, as handed off by the hot path. Every record becomes a
 * request_fingerprints row (docs/CONTRACT.md#c-4-4); a 302 also becomes a `redirect` event (docs/CONTRACT.md#c-1-9 step 5).
 *
 * A positional tuple, not a keyed object: one is built on every redirect and serialised in bulk, and a tuple is
 * cheaper to allocate, to stringify and to ship (docs/decisions/2026-11-26-click-record-tuples.md).
 */
/**
 * The status slot: the HTTP status answered, except that an inactive link's 410 is recorded as `inactive` (-410), so
 * the writer can tell it from a quarantined code's 410 without another field (both are stored as status_code 410).
 * A 404 is always an unknown code, a 410 always a quarantined one; entries written before `inactive` existed mean
 * the same, so the stream format needs no version for it.
 */
export const ClickStatus = { redirected: 302, unknown: 404, quarantined: 410, inactive: -410 } as const

export const ClickStatusSchema = z.union([
  z.literal(ClickStatus.redirected),
  z.literal(ClickStatus.unknown),
  z.literal(ClickStatus.quarantined),
  z.literal(ClickStatus.inactive),
])

export const ClickRecordSchema = z.tuple([
  z.number().int(), // at: epoch ms
  z.string(), // code
  ClickStatusSchema, // status
  z.string(), // ip
  z.string().nullable(), // user agent
  z.string().nullable(), // referrer
  z.number().int().nullable(), // url_id
  z.number().int().nullable(), // user_id (the link's owner)
])

export type ClickRecord = z.infer<typeof ClickRecordSchema>

/** Field positions in a ClickRecord. */
export const Click = { at: 0, code: 1, status: 2, ip: 3, ua: 4, referrer: 5, urlId: 6, userId: 7 } as const

/** One producer batch, with an id that makes the hand-off idempotent (on the stream: click-wire.ts). */
export type ClickBatch = { id: string; records: ClickRecord[] }
