import { type Db, RISK_TIERS, riskScores, urls } from '@ghostlink/db'
import { desc, eq, sql } from 'drizzle-orm'
import { z } from 'zod'

export const RiskLinksQuery = z.object({
  tier: z.enum(RISK_TIERS).catch('THREAT').default('THREAT'),
  limit: z.coerce.number().int().min(1).max(500).catch(100).default(100),
})

/** Links of one risk tier, highest score first, with the signals behind each score, plus the size of every tier. */
export async function listRiskLinks(db: Db, q: z.infer<typeof RiskLinksQuery>) {
  const [counts, rows] = await Promise.all([
    db.select({ tier: riskScores.tier, n: sql<number>`count(*)::int` }).from(riskScores).groupBy(riskScores.tier),
    db
      .select({
        url_id: riskScores.url_id,
        score: riskScores.score,
        tier: riskScores.tier,
        signals: riskScores.signals,
        computed_at: riskScores.computed_at,
        short_code: urls.short_code,
        original_url: urls.original_url,
        is_active: urls.is_active,
        user_id: urls.user_id,
      })
      .from(riskScores)
      .innerJoin(urls, eq(urls.id, riskScores.url_id))
      .where(eq(riskScores.tier, q.tier))
      .orderBy(desc(riskScores.score), desc(riskScores.url_id))
      .limit(q.limit),
  ])
  const tiers = Object.fromEntries(RISK_TIERS.map((t) => [t, counts.find((c) => c.tier === t)?.n ?? 0]))
  return { tier: q.tier, tiers, items: rows.map((r) => ({ ...r, computed_at: r.computed_at.toISOString() })) }
}
