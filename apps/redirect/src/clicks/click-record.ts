import { z } from 'zod'

/**
 * One answered request on /<code> or /r/<code>, as handed off by the hot path. Every record becomes a
 * request_fingerprints row (docs/CONTRACT.md#c-4-4); a 302 also becomes a `redirect` event (docs/CONTRACT.md#c-1-9 step 5).
 * Inactive-link 410s never produce a record (zero footprint), so a 404 is always an invalid code and a 410 always a
 * quarantined one.
 *
 * A positional tuple, not a keyed object: one is built on every redirect and serialised in bulk, and a tuple is
 * cheaper to allocate, to stringify and to ship (docs/decisions/2026-11-26-click-record-tuples.md).
 */
export const ClickStatusSchema = z.union([z.literal(302), z.literal(404), z.literal(410)])

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
