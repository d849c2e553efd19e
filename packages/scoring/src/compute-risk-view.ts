import { type Db, readRiskInputs, upsertRiskScore } from '@ghostlink/db'
import type { Redis } from 'ioredis'
import { dropRiskCache, type RiskView, toRiskView, writeRiskCache } from './risk-view.js'
import { type RiskResult, scoreRisk } from './score.js'

export type ComputedRisk = { view: RiskView; result: RiskResult }

/**
 * Scores the URL over live data (docs/CONTRACT.md#c-4-1), upserts risk_scores and refreshes `risk:<id>`.
 * The one implementation: the risk worker calls it for every job, the API when it computes inline.
 * Null (and the cache entry dropped) when the URL is gone.
 */
export async function computeRiskView(db: Db, redis: Redis | undefined, prefix: string, urlId: number): Promise<ComputedRisk | null> {
  const inputs = await readRiskInputs(db, urlId)
  if (!inputs) {
    await dropRiskCache(redis, prefix, urlId)
    return null
  }
  const result = scoreRisk(inputs)
  const computed_at = new Date()
  await upsertRiskScore(db, urlId, { ...result, computed_at })
  const view = toRiskView(urlId, { ...result, computed_at })
  await writeRiskCache(redis, prefix, view)
  return { view, result }
}
