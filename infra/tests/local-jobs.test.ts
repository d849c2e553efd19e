// Issue 11: the prober's and the risk worker's handlers in one process on the in-process queue (no Redis), as the
// one-process entry composes them: a probe of a loopback server writes a health check and asks for a rescore on the
// shared local risk queue, and the risk worker writes the score. A real Postgres; nothing stubs a job.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, type Db, healthChecks, riskScores, urls } from '@ghostlink/db'
import { createLocalJobs } from '@ghostlink/jobs'
import { createProberMetrics, createRiskMetrics } from '@ghostlink/metrics'
import { allowAll, createProbeAgent, HostLimiter } from '@ghostlink/prober/probe'
import { startLocalProberWorkers } from '@ghostlink/prober/worker'
import { startLocalRiskWorkers } from '@ghostlink/risk-worker/worker'
import { createTestDatabase, type TestDatabase } from '@ghostlink/testing'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let tdb: TestDatabase
let db: Db
let server: Server
let origin: string

beforeAll(async () => {
  tdb = await createTestDatabase()
  db = createDb(tdb.url, 6)
  server = createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 404).end())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  await closeDb(db)
  await tdb.drop()
})

describe('prober and risk workers on one set of local queues', () => {
  it('a probe writes a health check and the rescore it asks for writes a risk score', async () => {
    const config = loadConfig({
      DATABASE_URL: tdb.url,
      PROBE_ALLOW_PRIVATE: 'true',
      PROBE_TIMEOUT_MS: '2000',
      ENABLE_CANARY_MONITORING: 'false',
    })
    const logger = pino({ level: 'silent' })
    const jobs = createLocalJobs()
    const dispatcher = createProbeAgent({ policy: allowAll, connectTimeoutMs: 1_000, timeoutMs: config.PROBE_TIMEOUT_MS })
    const probe = { dispatcher, policy: allowAll, limiter: new HostLimiter(4), timeoutMs: config.PROBE_TIMEOUT_MS, maxRedirects: 5 }
    const risk = await startLocalRiskWorkers({
      config,
      db,
      jobs,
      logger,
      metrics: createRiskMetrics(config.release, config.flags),
      schedules: false,
    })
    const prober = await startLocalProberWorkers({
      config,
      db,
      jobs,
      logger,
      metrics: createProberMetrics(config.release, config.flags),
      probe,
      schedules: false,
    })
    try {
      const [ok, dead] = await db
        .insert(urls)
        .values([
          { short_code: 'lj-ok', original_url: `${origin}/ok` },
          { short_code: 'lj-dead', original_url: `${origin}/gone` },
        ])
        .returning({ id: urls.id })
      await prober.linkQueue.add('sweep', { sweep: true })
      await expect.poll(async () => (await db.select().from(riskScores)).length, { timeout: 10_000, interval: 50 }).toBe(2)
      const health = Object.fromEntries((await db.select().from(healthChecks)).map((h) => [h.url_id, h.health_status]))
      expect(health).toEqual({ [ok!.id]: 'OK', [dead!.id]: 'DEAD' })
      const scores = Object.fromEntries((await db.select().from(riskScores)).map((r) => [r.url_id, r.score]))
      // the dead link's score carries the health signal the probe just wrote
      expect(scores[dead!.id]! - scores[ok!.id]!).toBeGreaterThanOrEqual(30)
      expect(await risk.riskQueue.getJobCounts('waiting', 'active', 'delayed', 'failed')).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
      })
    } finally {
      // the prober first: a probe finishing now still adds a rescore to the risk queue
      await prober.close()
      await risk.close()
      await jobs.close()
      await dispatcher.close()
    }
  })
})
