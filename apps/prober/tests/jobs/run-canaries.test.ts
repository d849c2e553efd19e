import { canaryState } from '@ghostlink/db'
import { loadConfig } from '@ghostlink/config'
import { createProberMetrics } from '@ghostlink/metrics'
import { asc } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { refreshCanaryGauges } from '../../src/canary/refresh-canary-gauges.js'
import { runCanaries } from '../../src/jobs/run-canaries.js'
import { startServer, type TestServer } from '../helpers/servers.js'
import { createTestEnv, type TestEnv } from '../helpers/test-env.js'

let env: TestEnv
let front: TestServer
let failCheckout = true

beforeAll(async () => {
  env = await createTestEnv()
  // a stand-in for the Nginx front: 200s, one 302, one 502 (until it recovers), one that hangs
  front = await startServer((req, res) => {
    if (req.url === '/promo-demo') return res.writeHead(302, { location: '/health' }).end()
    if (req.url === '/checkout-demo') return res.writeHead(failCheckout ? 502 : 200).end()
    if (req.url === '/support-demo') return
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
  })
})
afterAll(async () => {
  await front.close()
  await env.close()
})

describe('runCanaries', () => {
  it('counts 200/302 as success, anything else (and a timeout, status 0) as failure, durably', async () => {
    const first = await runCanaries({ db: env.db, baseUrl: front.origin, timeoutMs: 300 })
    expect(first.map((r) => [r.canary, r.status, r.ok])).toEqual([
      ['health-demo', 200, true],
      ['promo-demo', 302, true],
      ['checkout-demo', 502, false],
      ['dashboard-demo', 200, true],
      ['support-demo', 0, false],
    ])
    failCheckout = false
    await runCanaries({ db: env.db, baseUrl: `${front.origin}/`, timeoutMs: 300 })
    const rows = await env.db.select().from(canaryState).orderBy(asc(canaryState.canary))
    expect(rows.map((r) => [r.canary, r.success_total, r.failure_total, r.last_status])).toEqual([
      ['checkout-demo', 1, 1, 200],
      ['dashboard-demo', 2, 0, 200],
      ['health-demo', 2, 0, 200],
      ['promo-demo', 2, 0, 302],
      ['support-demo', 0, 2, 0],
    ])
    const support = rows.find((r) => r.canary === 'support-demo')!
    expect(support.last_latency_seconds).toBeGreaterThanOrEqual(0.29)
  })

  it('exports the totals and per-canary gauges from the durable rows (a fresh process sees the same numbers)', async () => {
    const config = loadConfig({})
    const metrics = createProberMetrics(config.release, config.flags)
    await refreshCanaryGauges(env.db, metrics, true)
    const text = await metrics.registry.metrics()
    expect(text).toContain('ghostlink_canary_success_total{service="prober"} 7')
    expect(text).toContain('ghostlink_canary_failures_total{service="prober"} 3')
    expect(text).toContain('ghostlink_canary_status{canary="promo-demo",service="prober"} 302')
    expect(text).toContain('ghostlink_canary_status{canary="support-demo",service="prober"} 0')
    expect(text).toMatch(/ghostlink_canary_latency_seconds\{canary="health-demo",service="prober"\} \d/)

    await refreshCanaryGauges(env.db, metrics, false)
    expect(await metrics.registry.metrics()).toContain('ghostlink_canary_success_total{service="prober"} 0')
  })
})
