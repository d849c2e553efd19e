import { CANARIES, canaryState, type Db } from '@ghostlink/db'
import type { ProberMetrics } from '@ghostlink/metrics'

type CanaryGauges = Pick<ProberMetrics, 'canarySuccess' | 'canaryFailures' | 'canaryStatus' | 'canaryLatency'>

/**
 * Sets the canary gauges of docs/CONTRACT.md#c-6-1 from the durable rows (five rows, cheap on every scrape). Totals are summed over the
 * canaries; missing canaries read 0 as the original's state-file parser did. With monitoring off, everything is 0.
 */
export async function refreshCanaryGauges(db: Db, metrics: CanaryGauges, enabled: boolean): Promise<void> {
  const rows = enabled ? await db.select().from(canaryState) : []
  const byName = new Map(rows.map((r) => [r.canary, r]))
  let success = 0
  let failures = 0
  for (const name of CANARIES) {
    const row = byName.get(name)
    success += row?.success_total ?? 0
    failures += row?.failure_total ?? 0
    metrics.canaryStatus.set({ canary: name }, row?.last_status ?? 0)
    metrics.canaryLatency.set({ canary: name }, row?.last_latency_seconds ?? 0)
  }
  metrics.canarySuccess.set(success)
  metrics.canaryFailures.set(failures)
}
