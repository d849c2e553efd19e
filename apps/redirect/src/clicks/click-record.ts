import { z } from 'zod'

/**
 * One answered request on /<code> or /r/<code>, as handed off by the hot path. Every record becomes a
 * request_fingerprints row (original §4.4); a 302 also becomes a `redirect` event (original §1.9 step 5).
 * Inactive-link 410s never produce a record (zero footprint).
 */
export const ClickRecordSchema = z.object({
  at: z.number().int(), // epoch ms
  code: z.string(),
  status: z.union([z.literal(302), z.literal(404), z.literal(410)]),
  ip: z.string(),
  ua: z.string().nullable(),
  referrer: z.string().nullable(),
  url_id: z.number().int().nullable(),
  user_id: z.number().int().nullable(),
  invalid: z.boolean(),
  quarantined: z.boolean(),
})

export type ClickRecord = z.infer<typeof ClickRecordSchema>

/** A stream entry: one producer batch, with an id that makes the hand-off idempotent. */
export const ClickBatchSchema = z.object({ id: z.string(), records: z.array(ClickRecordSchema) })

export type ClickBatch = z.infer<typeof ClickBatchSchema>
