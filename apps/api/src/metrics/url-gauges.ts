import { type Db, urls } from '@ghostlink/db'
import { sql } from 'drizzle-orm'

export const URL_GAUGE_MEMO_MS = 15_000

export type UrlGauges = { active: SettableGauge; inactive: SettableGauge }

type SettableGauge = { set(value: number): void }

/**
 * `urls_active_total` / `urls_inactive_total` (docs/CONTRACT.md#c-6-1) from one `count(*) filter` query, run at most once per
 * 15 s whatever the scrape rate (docs/decisions/rewrite-decisions.md#d-2: metrics never scan a table on every scrape). Concurrent
 * scrapes share one query; a failed query keeps the last values.
 */
export function createUrlGaugeRefresher(db: Db, gauges: UrlGauges, memoMs = URL_GAUGE_MEMO_MS, now = () => Date.now()) {
  let fetchedAt = Number.NEGATIVE_INFINITY
  let inflight: Promise<void> | null = null

  async function refresh(): Promise<void> {
    const [row] = await db
      .select({
        active: sql<number>`count(*) filter (where ${urls.is_active})::int`,
        inactive: sql<number>`count(*) filter (where not ${urls.is_active})::int`,
      })
      .from(urls)
    gauges.active.set(row?.active ?? 0)
    gauges.inactive.set(row?.inactive ?? 0)
    fetchedAt = now()
  }

  return function refreshUrlGauges(): Promise<void> {
    if (now() - fetchedAt < memoMs) return Promise.resolve()
    inflight ??= refresh().finally(() => {
      inflight = null
    })
    return inflight
  }
}
