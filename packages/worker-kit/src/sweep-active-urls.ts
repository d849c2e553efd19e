import { type Db, urls } from '@ghostlink/db'
import { and, asc, eq, gt } from 'drizzle-orm'

export type SweepActiveUrlsOptions = {
  db: Db
  intervalSeconds: number
  /** `probe` → jobIds `probe-<url_id>-<tick>`. */
  jobIdPrefix: string
  addJobs: (jobs: Array<{ url_id: number; jobId: string }>) => Promise<void>
  batchSize?: number
}

/**
 * A schedule's fan-out tick: one job per active URL, read in id order by keyset pages. The tick number (time bucket of
 * the interval) goes into each jobId, so a repeated tick, or two worker copies running the same one, add nothing twice.
 */
export async function sweepActiveUrls(tickAt: number, opts: SweepActiveUrlsOptions): Promise<{ enqueued: number; tick: number }> {
  const tick = Math.floor(tickAt / (opts.intervalSeconds * 1000))
  let lastId = 0
  let enqueued = 0
  for (;;) {
    const rows = await opts.db
      .select({ id: urls.id })
      .from(urls)
      .where(and(eq(urls.is_active, true), gt(urls.id, lastId)))
      .orderBy(asc(urls.id))
      .limit(opts.batchSize ?? 1_000)
    if (rows.length === 0) break
    await opts.addJobs(rows.map((r) => ({ url_id: r.id, jobId: `${opts.jobIdPrefix}-${r.id}-${tick}` })))
    enqueued += rows.length
    lastId = rows[rows.length - 1]!.id
  }
  return { enqueued, tick }
}
