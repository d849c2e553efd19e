import { type Db, urls } from '@ghostlink/db'
import { and, asc, eq, gt } from 'drizzle-orm'

export type SweepLinksDeps = {
  db: Db
  /** Adds probe jobs; jobIds are deterministic per tick so a repeated or concurrent sweep adds nothing twice. */
  addProbeJobs: (jobs: Array<{ url_id: number; jobId: string }>) => Promise<void>
  intervalSeconds: number
  batchSize?: number
}

/**
 * Fan-out tick of the link-health schedule: one LinkHealthJob per active URL. The tick number (time bucket of
 * the interval) goes into each jobId, so two prober copies running the same tick enqueue each URL once.
 */
export async function sweepLinks(tickAt: number, deps: SweepLinksDeps): Promise<{ enqueued: number; tick: number }> {
  const tick = Math.floor(tickAt / (deps.intervalSeconds * 1000))
  const batchSize = deps.batchSize ?? 1_000
  let lastId = 0
  let enqueued = 0
  for (;;) {
    const rows = await deps.db
      .select({ id: urls.id })
      .from(urls)
      .where(and(eq(urls.is_active, true), gt(urls.id, lastId)))
      .orderBy(asc(urls.id))
      .limit(batchSize)
    if (rows.length === 0) break
    await deps.addProbeJobs(rows.map((r) => ({ url_id: r.id, jobId: `probe-${r.id}-${tick}` })))
    enqueued += rows.length
    lastId = rows[rows.length - 1]!.id
  }
  return { enqueued, tick }
}
