import { healthChecks } from '@ghostlink/db'
import { asc, eq } from 'drizzle-orm'
import type { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeLink, type ProbeLinkDeps } from '../../src/jobs/probe-link.js'
import { allowAll, publicOnly } from '../../src/probe/address-policy.js'
import { HostLimiter } from '../../src/probe/host-limiter.js'
import { createProbeAgent } from '../../src/probe/probe-agent.js'
import { probeRoutes, startServer, type TestServer } from '../helpers/servers.js'
import { createTestEnv, insertUrl, type TestEnv } from '../helpers/test-env.js'

let env: TestEnv
let web: TestServer
let agent: Agent
const risk: number[] = []
let deps: ProbeLinkDeps

beforeAll(async () => {
  env = await createTestEnv()
  web = await startServer(probeRoutes)
  agent = createProbeAgent({ policy: allowAll, connectTimeoutMs: 1_000, timeoutMs: 2_000 })
  deps = {
    db: env.db,
    probe: { dispatcher: agent, policy: allowAll, limiter: new HostLimiter(4), timeoutMs: 2_000, maxRedirects: 10 },
    keep: 3,
    enqueueRisk: async (id) => void risk.push(id),
  }
})
afterAll(async () => {
  await agent.close()
  await web.close()
  await env.close()
})

describe('probeLink', () => {
  it('stores the classification and asks for a risk recomputation', async () => {
    const id = await insertUrl(env.db, `${web.origin}/chain/4`)
    const outcome = await probeLink({ url_id: id }, deps)
    expect(outcome).toMatchObject({ url_id: id, health_status: 'CHAINED', status_code: 200, redirect_chain_length: 4 })
    const rows = await env.db.select().from(healthChecks).where(eq(healthChecks.url_id, id))
    expect(rows).toMatchObject([{ health_status: 'CHAINED', status_code: 200, redirect_chain_length: 4, error: null }])
    expect(rows[0]!.latency_ms).toBeGreaterThanOrEqual(0)
    expect(risk).toContain(id)
  })

  it('records a refused destination as REFUSED with the reason, not as DEAD', async () => {
    const id = await insertUrl(env.db, 'http://169.254.169.254/latest/meta-data/')
    const guarded = { ...deps, probe: { ...deps.probe, policy: publicOnly } }
    await probeLink({ url_id: id }, guarded)
    const [row] = await env.db.select().from(healthChecks).where(eq(healthChecks.url_id, id))
    expect(row).toMatchObject({ health_status: 'REFUSED', status_code: null, error: 'refused 169.254.169.254 (metadata)' })
  })

  it('keeps only the newest HEALTH_CHECKS_KEEP rows per URL', async () => {
    const id = await insertUrl(env.db, `${web.origin}/ok`)
    const other = await insertUrl(env.db, `${web.origin}/missing`)
    await probeLink({ url_id: other }, deps)
    const ids: number[] = []
    for (let i = 0; i < 5; i++) {
      const outcome = await probeLink({ url_id: id }, deps)
      if ('id' in outcome) ids.push(outcome.id)
    }
    const rows = await env.db
      .select({ id: healthChecks.id })
      .from(healthChecks)
      .where(eq(healthChecks.url_id, id))
      .orderBy(asc(healthChecks.id))
    expect(rows.map((r) => r.id)).toEqual(ids.slice(-3))
    // another URL's history is untouched
    expect(await env.db.select().from(healthChecks).where(eq(healthChecks.url_id, other))).toHaveLength(1)
  })

  it('hands the job back instead of queueing when its host is saturated (deferIfHostBusy)', async () => {
    const limiter = new HostLimiter(1)
    const id = await insertUrl(env.db, `${web.origin}/ok`)
    const d = { ...deps, probe: { ...deps.probe, limiter }, deferIfHostBusy: true }
    const holding = await limiter.acquire('127.0.0.1')
    const queued = limiter.acquire('127.0.0.1')
    const before = web.requests.length
    expect(await probeLink({ url_id: id }, d)).toEqual({ url_id: id, deferred: true })
    expect(web.requests.length).toBe(before)
    holding()
    ;(await queued)()
    // a free host: the probe runs
    expect(await probeLink({ url_id: id }, d)).toMatchObject({ health_status: 'OK' })
  })

  it('skips inactive and missing URLs without a request', async () => {
    const before = web.requests.length
    const id = await insertUrl(env.db, `${web.origin}/ok`, false)
    expect(await probeLink({ url_id: id }, deps)).toEqual({ url_id: id, skipped: 'inactive' })
    expect(await probeLink({ url_id: 987_654 }, deps)).toEqual({ url_id: 987_654, skipped: 'missing' })
    expect(web.requests.length).toBe(before)
  })
})
