import { z } from 'zod'

/**
 * What a short code resolves to: everything a redirect needs, so a cache hit reads no database
 * (docs/decisions/rewrite-decisions.md#d-3).
 */
export type LinkAnswer =
  | { kind: 'found'; id: number; user_id: number | null; original_url: string; is_active: boolean; quarantined: boolean }
  | { kind: 'missing'; quarantined: boolean }

// The cached form in Redis is read back through this schema: anything else in the key is treated as a miss.
export const LinkAnswerSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('found'),
    id: z.number().int(),
    user_id: z.number().int().nullable(),
    original_url: z.string(),
    is_active: z.boolean(),
    quarantined: z.boolean(),
  }),
  z.object({ kind: z.literal('missing'), quarantined: z.boolean() }),
])

/** Parses a cached Redis value; undefined when absent or not a valid answer (corrupt or from an older format). */
export function decodeLinkAnswer(raw: string | null): LinkAnswer | undefined {
  if (raw === null) return undefined
  try {
    const parsed = LinkAnswerSchema.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
