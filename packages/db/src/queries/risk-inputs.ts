import { and, desc, eq, sql } from 'drizzle-orm'
import type { Db } from '../client.js'
import { events } from '../schema/events.js'
import { healthChecks } from '../schema/health-checks.js'
import { requestFingerprints } from '../schema/request-fingerprints.js'
import { type RiskTier, riskScores } from '../schema/risk-scores.js'
import { urls } from '../schema/urls.js'

/** The live inputs of one URL's risk score (docs/CONTRACT.md#c-4-1), as @ghostlink/scoring reads them. */
export type RiskInputRow = {
  originalUrl: string
  /** Latest health check, if the link was ever probed. */
  latestHealth: { health_status: string; status_code: number | null; redirect_chain_length: number } | null
  /** Dead-link hits (404/410) on the code, recorded by the redirect tier as fingerprints. */
  deadLinkHits: number
  deletedEvents: number
  createdEvents: number
}

/** Reads a URL's risk inputs over live data; null when the URL does not exist. */
export async function readRiskInputs(db: Db, urlId: number): Promise<RiskInputRow | null> {
  const [url] = await db.select({ short_code: urls.short_code, original_url: urls.original_url }).from(urls).where(eq(urls.id, urlId))
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
  // ghost-probe pressure counts the redirect tier's dead-link hits, not events anyone can POST
  const [probes] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(requestFingerprints)
    .where(and(eq(requestFingerprints.short_code, url.short_code), eq(requestFingerprints.is_dead_link, true)))
  return {
    originalUrl: url.original_url,
    latestHealth: latest ?? null,
    deadLinkHits: probes?.n ?? 0,
    deletedEvents: counts?.deleted ?? 0,
    createdEvents: counts?.created ?? 0,
  }
}

/** Upserts a URL's score (one row per URL, conflict on url_id). */
export async function upsertRiskScore(db: Db, urlId: number, score: { score: number; tier: RiskTier; signals: Record<string, unknown>; computed_at: Date }) {
  const row = { score: score.score, tier: score.tier, signals: score.signals, computed_at: score.computed_at }
  await db
    .insert(riskScores)
    .values({ url_id: urlId, ...row })
    .onConflictDoUpdate({ target: riskScores.url_id, set: row })
}
