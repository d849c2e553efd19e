import { type SweepActiveUrlsOptions, sweepActiveUrls } from '@ghostlink/worker-kit'

export type SweepRiskDeps = Omit<SweepActiveUrlsOptions, 'jobIdPrefix'>

/**
 * Scheduled tick (RISK_SCHEDULE_SECONDS): a RiskJob per active URL, so scores follow data that changes without an
 * event (fingerprint pressure). jobIds carry the tick, so a re-run of the same tick adds nothing.
 */
export function sweepRisk(tickAt: number, deps: SweepRiskDeps): Promise<{ enqueued: number; tick: number }> {
  return sweepActiveUrls(tickAt, { ...deps, jobIdPrefix: 'risk' })
}
