import { CANARIES, type CanaryName, canaryState, type Db } from '@ghostlink/db'
import { sql } from 'drizzle-orm'
import { type Dispatcher, request } from 'undici'

export type RunCanariesDeps = {
  db: Db
  /** CANARY_BASE_URL: the Nginx front by default, so a canary exercises the real path users take. */
  baseUrl: string
  timeoutMs: number
  dispatcher?: Dispatcher
}

export type CanaryResult = { canary: CanaryName; status: number; latency_seconds: number; ok: boolean }

/** GET one canary without following redirects; status 0 on a network error or timeout (docs/CONTRACT.md#c-5-2). */
async function probeCanary(name: CanaryName, deps: RunCanariesDeps): Promise<CanaryResult> {
  const started = performance.now()
  let status = 0
  try {
    const url = new URL(name, deps.baseUrl.endsWith('/') ? deps.baseUrl : `${deps.baseUrl}/`)
    const res = await request(url, { method: 'GET', signal: AbortSignal.timeout(deps.timeoutMs), dispatcher: deps.dispatcher })
    await res.body.dump()
    status = res.statusCode
  } catch {
    status = 0
  }
  const latency_seconds = Number(((performance.now() - started) / 1000).toFixed(6))
  // docs/CONTRACT.md#c-5-2: 200 or 302 is a success, anything else a failure
  return { canary: name, status, latency_seconds, ok: status === 200 || status === 302 }
}

/** Probes the five canaries and adds each result to its durable row in canary_state (totals survive restarts). */
export async function runCanaries(deps: RunCanariesDeps): Promise<CanaryResult[]> {
  const results = await Promise.all(CANARIES.map((name) => probeCanary(name, deps)))
  const now = new Date()
  await deps.db
    .insert(canaryState)
    .values(
      results.map((r) => ({
        canary: r.canary,
        success_total: r.ok ? 1 : 0,
        failure_total: r.ok ? 0 : 1,
        last_status: r.status,
        last_latency_seconds: r.latency_seconds,
        last_run_at: now,
      })),
    )
    .onConflictDoUpdate({
      target: canaryState.canary,
      // increments in SQL, so several prober copies never lose each other's counts
      set: {
        success_total: sql`${canaryState.success_total} + excluded.success_total`,
        failure_total: sql`${canaryState.failure_total} + excluded.failure_total`,
        last_status: sql`excluded.last_status`,
        last_latency_seconds: sql`excluded.last_latency_seconds`,
        last_run_at: sql`excluded.last_run_at`,
      },
    })
  return results
}
