import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { insertClicks } from '@ghostlink/clicks'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, type Db, quarantinedCodes, requestFingerprints, riskScores } from '@ghostlink/db'
import { createLocalJobs, enqueueQuarantineSync, type LocalJobs } from '@ghostlink/jobs'
import { createRiskMetrics } from '@ghostlink/metrics'
import { quarantineCode } from '@ghostlink/quarantine'
import { createTestDatabase, type TestDatabase } from '@ghostlink/testing'
import { asc, eq } from 'drizzle-orm'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { startLocalRetentionWorker, startLocalRiskWorkers } from '../src/worker.js'
import { addHealth, insertUrl } from './helpers/test-env.js'

// The risk, quarantine and click-retention handlers on the in-process queue: a real Postgres, no Redis at all.
let tdb: TestDatabase
let db: Db
let dir: string
let jobs: LocalJobs

const WAIT = { timeout: 8_000, interval: 25 }
const DAY = 86_400_000
const logger = pino({ level: 'silent' })

const configFor = (extra: Record<string, string> = {}) =>
  loadConfig({ DATABASE_URL: tdb.url, QUARANTINE_MAP_FILE: join(dir, 'blocked_codes.conf'), ENABLE_AUTO_BLOCKING: 'true', ...extra })

beforeAll(async () => {
  tdb = await createTestDatabase()
  db = createDb(tdb.url, 4)
  dir = mkdtempSync(join(tmpdir(), 'gl-risk-local-'))
})
afterEach(async () => {
  await jobs?.close()
})
afterAll(async () => {
  await closeDb(db)
  await tdb.drop()
  rmSync(dir, { recursive: true, force: true })
})

const mapFile = () => readFileSync(join(dir, 'blocked_codes.conf'), 'utf8')

describe('risk workers on the local queue', () => {
  it('scores a URL from a local RiskJob, auto-quarantines a THREAT link and the map file follows', async () => {
    jobs = createLocalJobs()
    const config = configFor()
    const metrics = createRiskMetrics(config.release, config.flags)
    const workers = await startLocalRiskWorkers({ config, db, jobs, logger, metrics, schedules: false })
    const url = await insertUrl(db, 'https://win.tk/now')
    await addHealth(db, url.id, 'DEAD', 404, 6)
    await workers.riskQueue.add('score', { url_id: url.id, reason: 'health' })
    await expect
      .poll(async () => (await db.select().from(riskScores).where(eq(riskScores.url_id, url.id)))[0], WAIT)
      .toMatchObject({ score: 70, tier: 'THREAT' })
    await expect
      .poll(async () => (await db.select().from(quarantinedCodes).where(eq(quarantinedCodes.short_code, url.short_code))).length, WAIT)
      .toBe(1)
    // the quarantine-sync job went through the local quarantine queue and rendered the file
    await vi.waitFor(() => expect(mapFile()).toContain(`/${url.short_code} 1;`), WAIT)
    expect(mapFile()).toContain(`/r/${url.short_code} 1;`)
    await expect
      .poll(() => metrics.registry.getSingleMetricAsString('risk_score_threats_total'), WAIT)
      .toMatch(/^risk_score_threats_total\{[^}]*\} 1$/m)
    await workers.close()
  })

  it('renders the map file from a quarantine sync job added as the API adds it', async () => {
    jobs = createLocalJobs()
    const config = configFor()
    const workers = await startLocalRiskWorkers({
      config,
      db,
      jobs,
      logger,
      metrics: createRiskMetrics(config.release, config.flags),
      schedules: false,
    })
    const url = await insertUrl(db)
    await quarantineCode(
      { db, prefix: config.REDIS_PREFIX },
      { short_code: url.short_code, actor: 'test', reason: 'manual', source: 'manual' },
    )
    // the API's producer is the same local queue (ApiDeps.quarantineQueue)
    await enqueueQuarantineSync(jobs.queue('quarantine'), `quarantine:${url.short_code}`)
    await vi.waitFor(() => expect(mapFile()).toContain(`/${url.short_code} 1;`), WAIT)
    await workers.close()
  })

  it('fires the risk sweep in-process: every active URL gets a score, and the status reports the tick', async () => {
    jobs = createLocalJobs()
    const config = configFor({ RISK_SCHEDULE_SECONDS: '60' })
    const workers = await startLocalRiskWorkers({ config, db, jobs, logger, metrics: createRiskMetrics(config.release, config.flags) })
    const active = await insertUrl(db)
    // the first tick fired at start, maybe before this URL existed; the next is a minute away, so add one by hand too
    await workers.riskQueue.add('sweep', { sweep: true })
    await expect.poll(async () => (await db.select().from(riskScores).where(eq(riskScores.url_id, active.id))).length, WAIT).toBe(1)
    const [status] = await workers.scheduleStatus()
    expect(status).toMatchObject({ schedule: 'risk-sweep', every_seconds: 60, stale: false })
    expect(Date.now() - Date.parse(status!.last_fired_at!)).toBeLessThan(5_000)
    await workers.close()
  })

  it('runs click retention on its schedule at start: old raw clicks go, week-old addresses are cut, fresh ones stay', async () => {
    jobs = createLocalJobs()
    const config = configFor({ CLICK_RETENTION_DAYS: '90', IP_ANONYMIZE_AFTER_DAYS: '7' })
    const url = await insertUrl(db)
    const now = Date.now()
    await insertClicks(db, [
      {
        id: 'local-rw:1',
        records: [
          [now - 91 * DAY, url.short_code, 302, '203.0.113.1', 'ua', null, url.id, null],
          [now - 8 * DAY, url.short_code, 302, '203.0.113.2', 'ua', null, url.id, null],
          [now - 1000, url.short_code, 302, '203.0.113.3', 'ua', null, url.id, null],
        ],
      },
    ])
    // the hourly schedule's first tick is added at once, as BullMQ's `every` schedulers do
    const retention = await startLocalRetentionWorker({
      config,
      db,
      jobs,
      logger,
      metrics: createRiskMetrics(config.release, config.flags),
    })
    const ips = async () =>
      (
        await db
          .select({ ip: requestFingerprints.client_ip })
          .from(requestFingerprints)
          .where(eq(requestFingerprints.short_code, url.short_code))
          .orderBy(asc(requestFingerprints.id))
      ).map((f) => f.ip)
    await expect.poll(ips, WAIT).toEqual(['203.0.113.0', '203.0.113.3'])
    await retention.close()
  })
})
