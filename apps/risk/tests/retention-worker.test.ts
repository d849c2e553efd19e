import { insertClicks } from '@ghostlink/clicks'
import { loadConfig } from '@ghostlink/config'
import { events, requestFingerprints } from '@ghostlink/db'
import { createRiskMetrics } from '@ghostlink/metrics'
import { TEST_REDIS_URL, waitForValue } from '@ghostlink/testing'
import { asc, count } from 'drizzle-orm'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLICK_RETENTION_EVERY_MS, type RetentionWorker, startRetentionWorker } from '../src/retention-worker.js'
import { createTestEnv, insertUrl, type TestEnv } from './helpers/test-env.js'

const DAY = 86_400_000

describe('click-retention worker through BullMQ', () => {
  let env: TestEnv
  let worker: RetentionWorker
  beforeAll(async () => {
    env = await createTestEnv()
    const config = loadConfig({
      DATABASE_URL: env.dbUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: env.prefix,
      CLICK_RETENTION_DAYS: '90',
      IP_ANONYMIZE_AFTER_DAYS: '7',
    })
    worker = await startRetentionWorker({
      config,
      db: env.db,
      connection: env.redis,
      logger: pino({ level: 'silent' }),
      metrics: createRiskMetrics(config.release, config.flags),
    })
  })
  afterAll(async () => {
    await worker.close()
    await env.close()
  })

  it('registers an hourly schedule', async () => {
    const schedulers = await worker.queue.getJobSchedulers()
    expect(schedulers.map((s) => [s.key, Number(s.every)])).toEqual([['click-retention', CLICK_RETENTION_EVERY_MS]])
  })

  it('runs a tick with the configured ages: old raw clicks go, week-old addresses are cut, fresh ones stay', async () => {
    const url = await insertUrl(env.db)
    const now = Date.now()
    await insertClicks(env.db, [
      {
        id: 'rw:1',
        records: [
          [now - 91 * DAY, url.short_code, 302, '203.0.113.1', 'ua', null, url.id, null],
          [now - 8 * DAY, url.short_code, 302, '203.0.113.2', 'ua', null, url.id, null],
          [now - 1000, url.short_code, 302, '203.0.113.3', 'ua', null, url.id, null],
        ],
      },
    ])
    const job = await worker.queue.add('sweep', { sweep: true })
    await waitForValue(async () => (await job.getState()) === 'completed', 10_000)
    const fps = await env.db.select({ ip: requestFingerprints.client_ip }).from(requestFingerprints).orderBy(asc(requestFingerprints.id))
    expect(fps.map((f) => f.ip)).toEqual(['203.0.113.0', '203.0.113.3'])
    const [ev] = await env.db.select({ n: count() }).from(events)
    expect(ev!.n).toBe(2)
  })
})
