import type { FeatureFlags } from '@ghostlink/config'
import { canaryState, type Db, healthChecks } from '@ghostlink/db'
import { computeSuspiciousClients } from '@ghostlink/scoring'
import { asc, gte, sql } from 'drizzle-orm'

const PROBE_WINDOW_HOURS = 24

/**
 * What an operator checks first: the canaries (state kept by the prober), the prober's link-health results over the
 * last day, and the suspicious clients of the risk worker's window (docs/CONTRACT.md#c-4-4), computed on demand.
 */
export async function opsStatus(db: Db, flags: FeatureFlags, now = new Date()) {
  const since = new Date(now.getTime() - PROBE_WINDOW_HOURS * 3_600_000)
  const [canaries, probes, [lastProbe], clients] = await Promise.all([
    db.select().from(canaryState).orderBy(asc(canaryState.canary)),
    db
      .select({ status: healthChecks.health_status, n: sql<number>`count(*)::int` })
      .from(healthChecks)
      .where(gte(healthChecks.checked_at, since))
      .groupBy(healthChecks.health_status),
    db.select({ at: sql<Date | null>`max(${healthChecks.checked_at})` }).from(healthChecks),
    flags.ENABLE_GHOST_PROBE_ALERTS ? computeSuspiciousClients(db, now) : undefined,
  ])
  const last = lastProbe?.at ? new Date(lastProbe.at) : undefined
  return {
    flags,
    canaries: canaries.map((c) => ({ ...c, last_run_at: c.last_run_at?.toISOString() ?? null })),
    prober: {
      window_hours: PROBE_WINDOW_HOURS,
      checks: Object.fromEntries(probes.map((p) => [p.status, p.n])),
      last_check_at: last && !Number.isNaN(last.getTime()) ? last.toISOString() : null,
    },
    suspicious_clients: clients ?? null,
  }
}
