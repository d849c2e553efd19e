import type { Db } from '@ghostlink/db'
import { computeAndStoreRisk } from '@ghostlink/risk'
import type { Redis } from 'ioredis'
import { type RiskView, toRiskView, writeRiskCache } from './risk-cache.js'

/** Scores the URL over live data (docs/CONTRACT.md#c-4-1), upserts risk_scores and refreshes `risk:<id>`; null if the URL is gone. */
export async function computeRiskView(db: Db, redis: Redis | undefined, prefix: string, urlId: number): Promise<RiskView | null> {
  const result = await computeAndStoreRisk(db, urlId)
  if (!result) return null
  const view = toRiskView(urlId, { ...result, computed_at: new Date() })
  await writeRiskCache(redis, prefix, view)
  return view
}
