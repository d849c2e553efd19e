import { type Db, urls } from '@ghostlink/db'
import type { RiskJob } from '@ghostlink/jobs'
import type { RiskMetrics } from '@ghostlink/metrics'
import { quarantineCode } from '@ghostlink/quarantine'
import { computeRiskView, type RiskResult } from '@ghostlink/scoring'
import { eq } from 'drizzle-orm'
import type { Redis } from 'ioredis'

export type ScoreUrlDeps = {
  db: Db
  redis?: Redis
  prefix: string
  /** ENABLE_RISK_SCORING */
  enabled: boolean
  /** ENABLE_AUTO_BLOCKING: THREAT links are quarantined automatically (source 'auto'). */
  autoBlocking: boolean
  metrics?: Pick<RiskMetrics, 'riskComputed' | 'riskThreats' | 'autoQuarantined'>
  /** Called after an automatic quarantine so the Nginx map follows (enqueues a QuarantineSyncJob). */
  onQuarantined?: (code: string) => Promise<void>
}

export type ScoreUrlOutcome =
  | { url_id: number; skipped: 'disabled' | 'missing' }
  | ({ url_id: number; auto_quarantined: boolean } & RiskResult)

/**
 * Scores one URL over live data with the one implementation (packages/risk, docs/CONTRACT.md#c-4-1), upserts risk_scores,
 * refreshes the cache, and quarantines an active THREAT link when auto-blocking is on. Auto-blocking never lifts a
 * quarantine (that stays an operator's decision); a link an operator released is re-quarantined on its next THREAT
 * score while the flag is on.
 */
export async function scoreUrl(data: RiskJob, deps: ScoreUrlDeps): Promise<ScoreUrlOutcome> {
  if (!deps.enabled) return { url_id: data.url_id, skipped: 'disabled' }
  const computed = await computeRiskView(deps.db, deps.redis, deps.prefix, data.url_id)
  if (!computed) return { url_id: data.url_id, skipped: 'missing' }
  const { result } = computed
  deps.metrics?.riskComputed.inc({ tier: result.tier })
  if (result.tier === 'THREAT') deps.metrics?.riskThreats.inc()

  let auto_quarantined = false
  if (deps.autoBlocking && result.tier === 'THREAT') {
    const [url] = await deps.db
      .select({ short_code: urls.short_code, is_active: urls.is_active })
      .from(urls)
      .where(eq(urls.id, data.url_id))
    if (url?.is_active) {
      const { created } = await quarantineCode(
        { db: deps.db, redis: deps.redis, prefix: deps.prefix },
        { short_code: url.short_code, actor: 'risk-worker', reason: `risk score ${result.score} (THREAT)`, source: 'auto' },
      )
      if (created) {
        auto_quarantined = true
        deps.metrics?.autoQuarantined.inc()
        await deps.onQuarantined?.(url.short_code)
      }
    }
  }
  return { ...result, url_id: data.url_id, auto_quarantined }
}
