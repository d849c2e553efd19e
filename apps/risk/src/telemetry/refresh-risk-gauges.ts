import type { FeatureFlags } from '@ghostlink/config'
import { type Db, quarantinedCodes, riskScores } from '@ghostlink/db'
import type { RiskMetrics } from '@ghostlink/metrics'
import { sql } from 'drizzle-orm'
import { computeSuspiciousClients } from '@ghostlink/scoring'

type Gauges = Pick<
  RiskMetrics,
  | 'safeLinks'
  | 'watchlistLinks'
  | 'threatLinks'
  | 'quarantinedUrls'
  | 'suspiciousClients'
  | 'suspiciousIpScore'
  | 'suspiciousUserAgentHits'
  | 'repeatedUserAgentHits'
  | 'probedShortCodeHits'
>

/**
 * Refreshes the gauges of docs/CONTRACT.md#c-6-1 that the risk worker owns. Runs on a timer (every 15 s), never per scrape
 * (docs/decisions/rewrite-decisions.md#d-2). Top-N gauges are reset first, so a label that drops out of the top 10 disappears:
 * at most 10 series each.
 */
export async function refreshRiskGauges(db: Db, metrics: Gauges, flags: FeatureFlags, now = new Date()): Promise<void> {
  const tiers = await db.select({ tier: riskScores.tier, n: sql<number>`count(*)::int` }).from(riskScores).groupBy(riskScores.tier)
  const byTier = Object.fromEntries(tiers.map((t) => [t.tier, t.n]))
  metrics.safeLinks.set(byTier.SAFE ?? 0)
  metrics.watchlistLinks.set(byTier.WATCHLIST ?? 0)
  metrics.threatLinks.set(byTier.THREAT ?? 0)

  // docs/CONTRACT.md#c-6-1: the size of the blocked list, 0 when quarantine mode is off
  const [quarantined] = flags.ENABLE_QUARANTINE_MODE ? await db.select({ n: sql<number>`count(*)::int` }).from(quarantinedCodes) : []
  metrics.quarantinedUrls.set(quarantined?.n ?? 0)

  metrics.suspiciousIpScore.reset()
  metrics.suspiciousUserAgentHits.reset()
  metrics.probedShortCodeHits.reset()
  if (!flags.ENABLE_GHOST_PROBE_ALERTS) {
    // docs/CONTRACT.md#c-6-1: zeros and empty top lists when the flag is off
    metrics.suspiciousClients.set(0)
    metrics.repeatedUserAgentHits.set(0)
    return
  }
  const stats = await computeSuspiciousClients(db, now)
  metrics.suspiciousClients.set(stats.suspicious_clients)
  metrics.repeatedUserAgentHits.set(stats.repeated_user_agent_hits)
  for (const { ip, score } of stats.top_ips) metrics.suspiciousIpScore.set({ ip }, score)
  for (const { user_agent, hits } of stats.top_user_agents) metrics.suspiciousUserAgentHits.set({ user_agent }, hits)
  for (const { short_code, hits } of stats.top_probed_codes) metrics.probedShortCodeHits.set({ short_code }, hits)
}
