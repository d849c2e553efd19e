import type { Db } from '@ghostlink/db'
import type { ProberMetrics } from '@ghostlink/metrics'
import { sql } from 'drizzle-orm'

/**
 * destination_dead_total as a current count: active links whose latest probe is DEAD or SSL_INVALID
 * (the original reported all-time rows, docs/CONTRACT.md#c-11-2-12). Run on a timer, not per scrape.
 */
export async function refreshDeadGauge(db: Db, metrics: Pick<ProberMetrics, 'destinationDead'>): Promise<number> {
  const rows = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from urls u
    cross join lateral (
      select h.health_status from health_checks h where h.url_id = u.id order by h.checked_at desc, h.id desc limit 1
    ) latest
    where u.is_active and latest.health_status in ('DEAD', 'SSL_INVALID')`)
  const n = Number(rows[0]?.n ?? 0)
  metrics.destinationDead.set(n)
  return n
}
