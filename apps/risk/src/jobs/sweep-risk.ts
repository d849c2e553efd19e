import type { Db } from '@ghostlink/db'
import { sweepActiveUrls } from '@ghostlink/worker-kit'

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
export function sweepRisk(tickAt: number, deps: SweepRiskDeps): Promise<{ enqueued: number; tick: number }> {
  return sweepActiveUrls(tickAt, { ...deps, jobIdPrefix: 'risk' })
}
