import { loadConfig } from '@ghostlink/config'
import { canaryState, closeDb, createDb, type Db, healthChecks } from '@ghostlink/db'
import { createLocalJobs, type LocalJobs } from '@ghostlink/jobs'
import { createProberMetrics } from '@ghostlink/metrics'
import { createTestDatabase, type TestDatabase } from '@ghostlink/testing'
import { eq, sql } from 'drizzle-orm'
import pino from 'pino'
import type { Agent } from 'undici'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { allowAll } from '../src/probe/address-policy.js'
import { HostLimiter } from '../src/probe/host-limiter.js'
import { createProbeAgent } from '../src/probe/probe-agent.js'
import { startLocalProberWorkers } from '../src/worker.js'
import { probeRoutes, startServer, type TestServer } from './helpers/servers.js'
import { insertUrl } from './helpers/test-env.js'

// The prober's handlers on the in-process queue: a real Postgres and loopback servers, no Redis at all.
let tdb: TestDatabase
let db: Db
let web: TestServer
let agent: Agent
let jobs: LocalJobs

const WAIT = { timeout: 8_000, interval: 25 }

function start(extraEnv: Record<string, string> = {}, schedules = false) {
  const config = loadConfig({
    DATABASE_URL: tdb.url,
    PROBE_ALLOW_PRIVATE: 'true',
    CANARY_BASE_URL: web.origin,
    PROBE_TIMEOUT_MS: '700',
    ...extraEnv,
  })
  const metrics = createProberMetrics(config.release, config.flags)
  const probe = { dispatcher: agent, policy: allowAll, limiter: new HostLimiter(4), timeoutMs: config.PROBE_TIMEOUT_MS, maxRedirects: 10 }
  return startLocalProberWorkers({ config, db, jobs, logger: pino({ level: 'silent' }), metrics, probe, schedules })
}

beforeAll(async () => {
  tdb = await createTestDatabase()
  db = createDb(tdb.url, 6)
  web = await startServer((req, res) => (req.url?.endsWith('-demo') ? res.writeHead(200).end() : probeRoutes(req, res)))
  agent = createProbeAgent({ policy: allowAll, connectTimeoutMs: 1_000, timeoutMs: 700 })
})
afterEach(async () => {
  await jobs?.close()
  await db.execute(sql`truncate urls, health_checks, canary_state cascade`)
})
afterAll(async () => {
  await agent.close()
  await web.close()
  await closeDb(db)
  await tdb.drop()
})

describe('prober on the local queue', () => {
  it('fans a sweep out to every active URL, stores results and asks for a rescore per result on the local risk queue', async () => {
    jobs = createLocalJobs()
    const workers = await start()
    const ids = [
      await insertUrl(db, `${web.origin}/ok`),
      await insertUrl(db, `${web.origin}/missing`),
      await insertUrl(db, `${web.origin}/no-head`),
    ]
    await insertUrl(db, `${web.origin}/ok?inactive`, false)
    await workers.linkQueue.add('sweep', { sweep: true }, { timestamp: 1_000_000 })
    await expect.poll(async () => (await db.select().from(healthChecks)).length, WAIT).toBe(3)
    const rows = await db.select().from(healthChecks)
    expect(Object.fromEntries(rows.map((r) => [r.url_id, r.health_status]))).toEqual({
      [ids[0]!]: 'OK',
      [ids[1]!]: 'DEAD',
      [ids[2]!]: 'OK',
    })
    // no risk worker runs here: the rescores wait on the queue the risk workers would share
    expect(await jobs.queue('risk').getJobCounts('waiting')).toEqual({ waiting: 3 })
    // the same tick again: the probes' jobIds are still kept, so nothing is probed twice
    const probesBefore = web.requests.length
    await workers.linkQueue.add('sweep', { sweep: true }, { timestamp: 1_000_000 })
    await expect.poll(async () => (await workers.linkQueue.getJobCounts('waiting', 'active')).active, WAIT).toBe(0)
    expect(web.requests.length).toBe(probesBefore)
    expect(await db.select().from(healthChecks)).toHaveLength(3)
    await workers.close()
  })

  it('fires the sweep and the canaries in-process on start and every interval; the status reports them', async () => {
    jobs = createLocalJobs()
    const id = await insertUrl(db, `${web.origin}/ok`)
    const workers = await start({ PROBE_INTERVAL_SECONDS: '1', CANARY_INTERVAL_SECONDS: '1', ENABLE_RISK_SCORING: 'false' }, true)
    // the first ticks fire at once, then one per second: a second health row for the URL needs a second sweep
    await expect
      .poll(async () => (await db.select().from(healthChecks).where(eq(healthChecks.url_id, id))).length, WAIT)
      .toBeGreaterThanOrEqual(2)
    await expect.poll(async () => (await db.select().from(canaryState))[0]?.success_total, WAIT).toBeGreaterThanOrEqual(2)
    const status = await workers.scheduleStatus()
    expect(status.map((s) => [s.schedule, s.every_seconds, s.stale])).toEqual([
      ['link-health-sweep', 1, false],
      ['canary-sweep', 1, false],
    ])
    expect(status.every((s) => s.last_fired_at !== null && Date.now() - Date.parse(s.last_fired_at) < 3_000)).toBe(true)
    expect(await jobs.queue('risk').getJobCounts('waiting')).toEqual({ waiting: 0 }) // scoring off: no rescore asked
    await workers.close()
    // closed: the schedules stop
    const rowsAtClose = (await db.select().from(healthChecks)).length
    await new Promise((r) => setTimeout(r, 1_500))
    expect((await db.select().from(healthChecks)).length).toBe(rowsAtClose)
  })

  it('finishes the probe in progress on close (graceful shutdown)', async () => {
    jobs = createLocalJobs()
    const workers = await start()
    const id = await insertUrl(db, `${web.origin}/hang`)
    await workers.linkQueue.add('probe', { url_id: id })
    await expect.poll(async () => (await workers.linkQueue.getJobCounts('active')).active, WAIT).toBe(1)
    await workers.close()
    // the hanging probe ran to its 700 ms timeout and was stored before close() returned
    const [row] = await db.select().from(healthChecks).where(eq(healthChecks.url_id, id))
    expect(row).toMatchObject({ health_status: 'DEAD', error: 'timeout' })
  })

  it('fails an invalid payload at once, without retries', async () => {
    jobs = createLocalJobs()
    const workers = await start()
    await workers.linkQueue.add('probe', { url_id: -1 }, { attempts: 5, backoff: { type: 'fixed', delay: 10 } })
    await expect.poll(async () => workers.linkQueue.getJobCounts('failed', 'delayed'), WAIT).toEqual({ failed: 1, delayed: 0 })
    await workers.close()
  })
})
