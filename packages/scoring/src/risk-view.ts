import { RISK_TIERS } from '@ghostlink/db'
import { bestEffort, redisKeys } from '@ghostlink/redis'
import type { Redis } from 'ioredis'
import { z } from 'zod'

/** `risk:<url_id>` lives 600 s (docs/CONTRACT.md#c-7); every compute overwrites it. */
export const RISK_CACHE_TTL_SECONDS = 600

/** The one shape GET /urls/:id/risk answers with and the cache holds (signals is always an object). */
export type RiskView = {
  computed_at: string
  score: number
  signals: Record<string, unknown>
  tier: (typeof RISK_TIERS)[number]
  url_id: number
}

const jsonObject = z.record(z.string(), z.unknown())

// An older release may have cached signals as a JSON string: accept both.
const CachedRisk = z.object({
  score: z.number().int().min(0).max(100),
  tier: z.enum(RISK_TIERS),
  signals: z.union([
    jsonObject,
    z.string().transform((s, ctx) => {
      try {
        return jsonObject.parse(JSON.parse(s))
      } catch {
        ctx.addIssue({ code: 'custom', message: 'signals is not a JSON object' })
        return z.NEVER
      }
    }),
  ]),
  computed_at: z.iso.datetime({ offset: true }),
})

export function toRiskView(urlId: number, r: { score: number; tier: RiskView['tier']; signals: object; computed_at: Date }): RiskView {
  return {
    computed_at: r.computed_at.toISOString(),
    score: r.score,
    signals: { ...r.signals },
    tier: r.tier,
    url_id: urlId,
  }
}

/** The cached score, or null on a miss, an unreadable entry or Redis being down (the cache is best effort). */
export async function readRiskCache(redis: Redis | undefined, prefix: string, urlId: number): Promise<RiskView | null> {
  const raw = await bestEffort(redis, (r) => r.get(redisKeys(prefix).risk(urlId)))
  if (raw === undefined || raw === null) return null
  try {
    const parsed = CachedRisk.safeParse(JSON.parse(raw))
    return parsed.success ? { ...parsed.data, url_id: urlId } : null
  } catch {
    return null
  }
}

export async function writeRiskCache(redis: Redis | undefined, prefix: string, view: RiskView): Promise<void> {
  await bestEffort(redis, (r) => r.set(redisKeys(prefix).risk(view.url_id), JSON.stringify(view), 'EX', RISK_CACHE_TTL_SECONDS))
}

export async function dropRiskCache(redis: Redis | undefined, prefix: string, urlId: number): Promise<void> {
  await bestEffort(redis, (r) => r.del(redisKeys(prefix).risk(urlId)))
}
