import { loadConfig } from '@ghostlink/config'
import { canaryState, healthChecks } from '@ghostlink/db'
import { createProberMetrics } from '@ghostlink/metrics'
import { TEST_REDIS_URL } from '@ghostlink/testing'
import { eq, sql } from 'drizzle-orm'
import Fastify from 'fastify'
import pino from 'pino'
import type { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { workerApp } from '@ghostlink/worker-kit'
import { allowAll } from '../src/probe/address-policy.js'
import { HostLimiter } from '../src/probe/host-limiter.js'
import { createProbeAgent } from '../src/probe/probe-agent.js'
import { type ProberWorkers, startProberWorkers } from '../src/worker.js'
import { probeRoutes, startServer, type TestServer } from './helpers/servers.js'
import { createTestEnv, insertUrl, type TestEnv } from './helpers/test-env.js'

let env: TestEnv
let web: TestServer
let agent: Agent

const WAIT = { timeout: 8_000, interval: 25 }

async function start(extraEnv: Record<string, string> = {}): Promise<ProberWorkers> {
  const config = loadConfig({
    DATABASE_URL: env.dbUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: env.prefix,
    PROBE_ALLOW_PRIVATE: 'true',
    CANARY_BASE_URL: web.origin,
    PROBE_TIMEOUT_MS: '700',
    ...extraEnv,
  })
  const metrics = createProberMetrics(config.release, config.flags)
  const probe = { dispatcher: agent, policy: allowAll, limiter: new HostLimiter(4), timeoutMs: config.PROBE_TIMEOUT_MS, maxRedirects: 10 }
  return startProberWorkers({
    config,
    db: env.db,
    connection: env.redis,
    logger: pino({ level: 'silent' }),
    metrics,
    probe,
    schedules: false,
  })
}

beforeAll(async () => {
  env = await createTestEnv()
  web = await startServer((req, res) => (req.url?.endsWith('-demo') ? res.writeHead(200).end() : probeRoutes(req, res)))
  agent = createProbeAgent({ policy: allowAll, connectTimeoutMs: 1_000, timeoutMs: 700 })
})
afterAll(async () => {
  await agent.close()
  await web.close()
  await env.close()
})

describe('prober through BullMQ', () => {
  it('fans a sweep out to every active URL, stores results and enqueues a risk job per result', async () => {
    const workers = await start()
    try {
      const ids = [
        await insertUrl(env.db, `${web.origin}/ok`),
        await insertUrl(env.db, `${web.origin}/missing`),
        await insertUrl(env.db, `${web.origin}/no-head`),
      ]
      await insertUrl(env.db, `${web.origin}/ok?inactive`, false)
      const sweep = await workers.linkQueue.add('sweep', { sweep: true })
      await expect
        .poll(async () => (await env.db.execute<{ n: number }>(sql`select count(distinct url_id)::int as n from health_checks`))[0]?.n, WAIT)
        .toBe(3)
      const rows = await env.db.select().from(healthChecks)
      expect(Object.fromEntries(rows.map((r) => [r.url_id, r.health_status]))).toEqual({
        [ids[0]!]: 'OK',
        [ids[1]!]: 'DEAD',
        [ids[2]!]: 'OK',
      })
      const riskJobs = await workers.riskQueue.getJobs(['waiting'])
      expect(riskJobs.map((j) => j.data).sort((a, b) => a.url_id - b.url_id)).toEqual(ids.map((url_id) => ({ url_id, reason: 'health' })))

      // the same tick again (same timestamp → same jobIds): nothing new is probed
      const probesBefore = web.requests.length
      const again = await workers.linkQueue.add('sweep', { sweep: true }, { timestamp: sweep.timestamp })
      await expect.poll(() => again.isCompleted(), WAIT).toBe(true)
      await new Promise((r) => setTimeout(r, 200))
      expect(web.requests.length).toBe(probesBefore)
      expect(await env.db.select().from(healthChecks)).toHaveLength(3)
    } finally {
      await workers.close()
    }
  })

  it('runs the canary job and fails an invalid payload without retries', async () => {
    const workers = await start()
    try {
      await workers.canaryQueue.add('run', { sweep: true })
      await expect.poll(async () => (await env.db.select().from(canaryState)).length, WAIT).toBe(5)
      const rows = await env.db.select().from(canaryState)
      expect(rows.every((r) => r.success_total === 1 && r.last_status === 200)).toBe(true)

      const bad = await workers.linkQueue.add('probe', { url_id: -1 }, { attempts: 5 })
      await expect.poll(() => bad.isFailed(), WAIT).toBe(true)
      const failed = (await workers.linkQueue.getJob(bad.id!))!
      expect(failed.failedReason).toBe('invalid probe payload')
      expect(await workers.linkQueue.getJobCounts('delayed')).toEqual({ delayed: 0 })
    } finally {
      await workers.close()
    }
  })

  it('finishes the probe in progress on close (graceful shutdown), then stops taking jobs', async () => {
    const workers = await start()
    const id = await insertUrl(env.db, `${web.origin}/hang`)
    const job = await workers.linkQueue.add('probe', { url_id: id })
    await expect.poll(() => job.isActive(), WAIT).toBe(true)
    await workers.close()
    // the hanging probe ran to its 700 ms timeout and was stored before close() returned
    const [row] = await env.db.select().from(healthChecks).where(eq(healthChecks.url_id, id))
    expect(row).toMatchObject({ health_status: 'DEAD', error: 'timeout' })
  })

  it('serves /health and /metrics', async () => {
    const app = Fastify()
    const config = loadConfig({})
    const metrics = createProberMetrics(config.release, config.flags)
    metrics.linkProbes.inc({ health_status: 'OK' })
    await app.register(workerApp, { service: 'prober', db: env.db, redis: env.redis, metrics })
    const health = await app.inject('/health')
    expect([health.statusCode, health.json()]).toEqual([200, { status: 'ok', service: 'prober', db: 'ok', redis: 'ok' }])
    const m = await app.inject('/metrics')
    expect(m.body).toContain('link_probes_total{health_status="OK",service="prober"} 1')
    await app.close()
  })
})
