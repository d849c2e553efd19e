import { type Db, healthChecks, urls } from '@ghostlink/db'
import type { LinkHealthJob } from '@ghostlink/jobs'
import type { ProberMetrics } from '@ghostlink/metrics'
import { and, desc, eq, sql } from 'drizzle-orm'
import { type ProbeDeps, type ProbeResult, probeUrl } from '../probe/probe-url.js'

export type ProbeLinkDeps = {
  db: Db
  probe: ProbeDeps
  /** Health rows kept per URL (HEALTH_CHECKS_KEEP); older rows are deleted after each insert. */
  keep: number
  /** Asks the risk worker to rescore the URL (original §5.1: every probe recomputes risk); absent when scoring is off. */
  enqueueRisk?: (urlId: number) => Promise<void>
  metrics?: Pick<ProberMetrics, 'linkProbes' | 'linkProbeDuration'>
}

export type ProbeLinkOutcome = { url_id: number; skipped: 'missing' | 'inactive' } | ({ url_id: number; id: number } & ProbeResult)

/** Probes one URL, stores the result with a bounded history, and enqueues its risk recomputation. */
export async function probeLink(data: LinkHealthJob, deps: ProbeLinkDeps): Promise<ProbeLinkOutcome> {
  const [url] = await deps.db
    .select({ id: urls.id, original_url: urls.original_url, is_active: urls.is_active })
    .from(urls)
    .where(eq(urls.id, data.url_id))
  if (!url) return { url_id: data.url_id, skipped: 'missing' }
  // the URL may have been deleted between the sweep and this job
  if (!url.is_active) return { url_id: data.url_id, skipped: 'inactive' }

  const started = performance.now()
  const result = await probeUrl(url.original_url, deps.probe)
  deps.metrics?.linkProbeDuration.observe((performance.now() - started) / 1000)
  deps.metrics?.linkProbes.inc({ health_status: result.health_status })

  const [row] = await deps.db
    .insert(healthChecks)
    .values({ url_id: url.id, ...result })
    .returning({ id: healthChecks.id })
  await pruneHealthChecks(deps.db, url.id, deps.keep)
  await deps.enqueueRisk?.(url.id)
  return { url_id: url.id, id: row!.id, ...result }
}

/** Retention: keep the newest `keep` rows of one URL (the original grew the table without bound, §5.1). */
export async function pruneHealthChecks(db: Db, urlId: number, keep: number): Promise<void> {
  const newest = db
    .select({ id: healthChecks.id })
    .from(healthChecks)
    .where(eq(healthChecks.url_id, urlId))
    .orderBy(desc(healthChecks.checked_at), desc(healthChecks.id))
    .limit(keep)
  await db.delete(healthChecks).where(and(eq(healthChecks.url_id, urlId), sql`${healthChecks.id} not in (${newest})`))
}
