import { type Db, healthChecks, urls } from '@ghostlink/db'
import type { LinkHealthJob } from '@ghostlink/jobs'
import type { ProberMetrics } from '@ghostlink/metrics'
import { eq, sql } from 'drizzle-orm'
import { type ProbeDeps, type ProbeResult, probeUrl } from '../probe/probe-url.js'

export type ProbeLinkDeps = {
  db: Db
  probe: ProbeDeps
  /** Health rows kept per URL (HEALTH_CHECKS_KEEP); older rows are deleted after each insert. */
  keep: number
  /** Asks the risk worker to rescore the URL (docs/CONTRACT.md#c-5-1: every probe recomputes risk); absent when scoring is off. */
  enqueueRisk?: (urlId: number) => Promise<void>
  metrics?: Pick<ProberMetrics, 'linkProbes' | 'linkProbeDuration'>
  /**
   * When true and the URL's host already has a full queue in this process, the job is handed back (deferred)
   * instead of holding a worker slot while it waits: one popular host must not stall every other host's probes.
   */
  deferIfHostBusy?: boolean
}

export type ProbeLinkOutcome =
  | { url_id: number; skipped: 'missing' | 'inactive' }
  | { url_id: number; deferred: true }
  | ({ url_id: number; id: number } & ProbeResult)

/** Probes one URL, stores the result with a bounded history, and enqueues its risk recomputation. */
export async function probeLink(data: LinkHealthJob, deps: ProbeLinkDeps): Promise<ProbeLinkOutcome> {
  const [url] = await deps.db
    .select({ id: urls.id, original_url: urls.original_url, is_active: urls.is_active })
    .from(urls)
    .where(eq(urls.id, data.url_id))
  if (!url) return { url_id: data.url_id, skipped: 'missing' }
  // the URL may have been deleted between the sweep and this job
  if (!url.is_active) return { url_id: data.url_id, skipped: 'inactive' }
  if (deps.deferIfHostBusy && deps.probe.limiter.isSaturated(hostOf(url.original_url))) return { url_id: url.id, deferred: true }

  const started = performance.now()
  const result = await probeUrl(url.original_url, deps.probe)
  deps.metrics?.linkProbeDuration.observe((performance.now() - started) / 1000)
  deps.metrics?.linkProbes.inc({ health_status: result.health_status })

  const id = await insertHealthCheck(deps.db, url.id, result, deps.keep)
  await deps.enqueueRisk?.(url.id)
  return { url_id: url.id, id, ...result }
}

/**
 * Inserts one result and applies the retention rule in the same statement: the delete sees the rows as they were
 * before the insert, so it keeps the newest keep-1 old rows and the new one makes `keep` (the original grew the
 * table without bound, docs/CONTRACT.md#c-5-1). One round trip per probe instead of two.
 */
export async function insertHealthCheck(db: Db, urlId: number, r: ProbeResult, keep: number): Promise<number> {
  const rows = await db.execute<{ id: number }>(sql`
    with inserted as (
      insert into ${healthChecks} (url_id, status_code, latency_ms, health_status, redirect_chain_length, error)
      values (${urlId}, ${r.status_code}, ${r.latency_ms}, ${r.health_status}, ${r.redirect_chain_length}, ${r.error})
      returning id
    ), pruned as (
      delete from ${healthChecks} where id in (
        select id from ${healthChecks} where url_id = ${urlId} order by checked_at desc, id desc offset ${keep - 1}
      )
    )
    select id from inserted`)
  return Number(rows[0]!.id)
}

const hostOf = (target: string) => {
  try {
    return new URL(target).hostname
  } catch {
    return ''
  }
}
