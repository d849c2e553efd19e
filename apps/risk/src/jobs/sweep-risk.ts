import { type Db, urls } from '@ghostlink/db'
import { and, asc, eq, gt } from 'drizzle-orm'

export type SweepRiskDeps = {
  db: Db
  addJobs: (jobs: Array<{ url_id: number; jobId: string }>) => Promise<void>
  intervalSeconds: number
  batchSize?: number
}

/**
 * Scheduled tick (RISK_SCHEDULE_SECONDS): a RiskJob per active URL, so scores follow data that changes without an
 * event (fingerprint pressure). jobIds carry the tick, so a re-run of the same tick adds nothing.
 */
export async function sweepRisk(tickAt: number, deps: SweepRiskDeps): Promise<{ enqueued: number; tick: number }> {
  const tick = Math.floor(tickAt / (deps.intervalSeconds * 1000))
  let lastId = 0
  let enqueued = 0
  for (;;) {
    const rows = await deps.db
      .select({ id: urls.id })
      .from(urls)
      .where(and(eq(urls.is_active, true), gt(urls.id, lastId)))
      .orderBy(asc(urls.id))
      .limit(deps.batchSize ?? 1_000)
    if (rows.length === 0) break
    await deps.addJobs(rows.map((r) => ({ url_id: r.id, jobId: `risk-${r.id}-${tick}` })))
    enqueued += rows.length
    lastId = rows[rows.length - 1]!.id
  }
  return { enqueued, tick }
}
