import { type SweepActiveUrlsOptions, sweepActiveUrls } from '@ghostlink/worker-kit'

export type SweepLinksDeps = Omit<SweepActiveUrlsOptions, 'jobIdPrefix' | 'addJobs'> & {
  /** Adds probe jobs; jobIds are deterministic per tick so a repeated or concurrent sweep adds nothing twice. */
  addProbeJobs: SweepActiveUrlsOptions['addJobs']
}

/**
 * Fan-out tick of the link-health schedule: one LinkHealthJob per active URL. The tick number (time bucket of
 * the interval) goes into each jobId, so two prober copies running the same tick enqueue each URL once.
 */
export function sweepLinks(tickAt: number, deps: SweepLinksDeps): Promise<{ enqueued: number; tick: number }> {
  return sweepActiveUrls(tickAt, { ...deps, jobIdPrefix: 'probe', addJobs: deps.addProbeJobs })
}
