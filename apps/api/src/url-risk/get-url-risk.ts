import { type Db, riskScores } from '@ghostlink/db'
import { NotFound } from '@ghostlink/http'
import { eq } from 'drizzle-orm'
import type { Redis } from 'ioredis'
import { findUrlOrThrow } from '../urls/find-url.js'
import { computeRiskView, type RiskView, readRiskCache, toRiskView, writeRiskCache } from '@ghostlink/scoring'

/**
 * GET /urls/:id/risk (docs/CONTRACT.md#c-1-8): Redis `risk:<id>` → risk_scores row (then cached) → compute now (stored
 * and cached). Every branch answers the same shape, signals always an object (fixes docs/CONTRACT.md#c-11-2-1).
 */
export async function getUrlRiskOrThrow(db: Db, redis: Redis | undefined, prefix: string, id: string): Promise<RiskView> {
  const url = await findUrlOrThrow(db, id)
  const cached = await readRiskCache(redis, prefix, url.id)
  if (cached) return cached
  const [stored] = await db.select().from(riskScores).where(eq(riskScores.url_id, url.id))
  if (stored) {
    const view = toRiskView(url.id, stored)
    await writeRiskCache(redis, prefix, view)
    return view
  }
  const computed = await computeRiskView(db, redis, prefix, url.id)
  if (!computed) throw NotFound()
  return computed.view
}
