import { type Db, events, healthChecks, requestFingerprints, riskScores, urls } from '@ghostlink/db'
import { and, desc, eq, sql } from 'drizzle-orm'
import { type RiskResult, scoreRisk } from './score.js'

/** Gathers the live inputs of one URL and scores it; null when the URL does not exist. */
export async function computeRisk(db: Db, urlId: number): Promise<(RiskResult & { url_id: number }) | null> {
  const [url] = await db.select({ id: urls.id, short_code: urls.short_code, original_url: urls.original_url }).from(urls).where(eq(urls.id, urlId))
  if (!url) return null
  const [latest] = await db
    .select({
      health_status: healthChecks.health_status,
      status_code: healthChecks.status_code,
      redirect_chain_length: healthChecks.redirect_chain_length,
    })
    .from(healthChecks)
    .where(eq(healthChecks.url_id, urlId))
    .orderBy(desc(healthChecks.checked_at), desc(healthChecks.id))
    .limit(1)
  const [counts] = await db
    .select({
      deleted: sql<number>`count(*) filter (where ${events.event_type} = 'deleted')::int`,
      created: sql<number>`count(*) filter (where ${events.event_type} = 'created')::int`,
    })
    .from(events)
    .where(eq(events.url_id, urlId))
  // issue 4: ghost-probe pressure counts the redirect tier's dead-link hits, not events anyone can POST
  const [probes] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(requestFingerprints)
    .where(and(eq(requestFingerprints.short_code, url.short_code), eq(requestFingerprints.is_dead_link, true)))
  const result = scoreRisk({
    originalUrl: url.original_url,
    latestHealth: latest ?? null,
    deadLinkHits: probes?.n ?? 0,
    deletedEvents: counts?.deleted ?? 0,
    createdEvents: counts?.created ?? 0,
  })
  return { url_id: urlId, ...result }
}

/** Computes and upserts the score (conflict on url_id); returns what was stored. */
export async function computeAndStoreRisk(db: Db, urlId: number) {
  const result = await computeRisk(db, urlId)
  if (!result) return null
  await db
    .insert(riskScores)
    .values({ url_id: urlId, score: result.score, tier: result.tier, signals: result.signals, computed_at: new Date() })
    .onConflictDoUpdate({
      target: riskScores.url_id,
      set: { score: result.score, tier: result.tier, signals: result.signals, computed_at: new Date() },
    })
  return result
}
