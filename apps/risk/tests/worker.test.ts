import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '@ghostlink/config'
import { quarantinedCodes, riskScores } from '@ghostlink/db'
import { TEST_REDIS_URL } from '@ghostlink/testing'
import { createRiskMetrics } from '@ghostlink/metrics'
import type { Job } from 'bullmq'
import { eq, sql } from 'drizzle-orm'
import Fastify from 'fastify'
import pino from 'pino'
import { waitForValue } from '@ghostlink/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { workerApp } from '@ghostlink/worker-kit'
import { type RiskWorkers, startRiskWorkers } from '../src/worker.js'
import { addHealth, createTestEnv, insertUrl, type TestEnv } from './helpers/test-env.js'

let env: TestEnv
let workers: RiskWorkers
let dir: string
let metrics: ReturnType<typeof createRiskMetrics>

const waitFor = <T>(fn: () => Promise<T | undefined | null | false>) => waitForValue(fn, 5_000)

beforeAll(async () => {
  env = await createTestEnv()
  dir = mkdtempSync(join(tmpdir(), 'gl-risk-worker-'))
  const config = loadConfig({
    DATABASE_URL: env.dbUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: env.prefix,
    QUARANTINE_MAP_FILE: join(dir, 'blocked_codes.conf'),
    ENABLE_AUTO_BLOCKING: 'true',
  })
  metrics = createRiskMetrics(config.release, config.flags)
  workers = await startRiskWorkers({
    config,
    db: env.db,
    connection: env.redis,
    logger: pino({ level: 'silent' }),
    metrics,
    schedules: false,
  })
})
afterAll(async () => {
  await workers.close()
  await env.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('risk worker through BullMQ', () => {
  it('scores a URL from a RiskJob, auto-quarantines a THREAT link and the map file follows', async () => {
    const url = await insertUrl(env.db, 'https://win.tk/now')
    await addHealth(env.db, url.id, 'DEAD', 404, 6)
    await workers.riskQueue.add('score', { url_id: url.id, reason: 'health' })
    const row = await waitFor(async () => (await env.db.select().from(riskScores).where(eq(riskScores.url_id, url.id)))[0])
    expect(row).toMatchObject({ score: 70, tier: 'THREAT' })
    // the contract counter of THREAT results, on the registry the risk service serves at /metrics
    // the counter moves just after the row is written: wait for it rather than race it
    const threats = async () => metrics.registry.getSingleMetricAsString('risk_score_threats_total')
    await waitFor(async () => /^risk_score_threats_total\{[^}]*\} 1$/m.test(await threats()))
    expect(await threats()).toMatch(/^risk_score_threats_total\{[^}]*\} 1$/m)
    await waitFor(async () => (await env.db.select().from(quarantinedCodes).where(eq(quarantinedCodes.short_code, url.short_code)))[0])
    const text = await waitFor(async () => {
      try {
        const t = readFileSync(join(dir, 'blocked_codes.conf'), 'utf8')
        return t.includes(`/${url.short_code} 1;`) && t
      } catch {
        return false
      }
    })
    expect(text).toContain(`/r/${url.short_code} 1;`)
  })

  it('fans a sweep out to one job per active URL, and a re-run of the same tick adds nothing', async () => {
    const active = await insertUrl(env.db)
    await insertUrl(env.db, 'https://example.com/inactive', false)
    const sweep = await workers.riskQueue.add('sweep', { sweep: true })
    const first = await waitFor(async () => (await sweep.isCompleted()) && (await workers.riskQueue.getJob(sweep.id!)))
    const { enqueued, tick } = first.returnvalue as { enqueued: number; tick: number }
    const [activeCount] = await env.db.execute<{ n: number }>(sql`select count(*)::int as n from urls where is_active`)
    expect(enqueued).toBe(activeCount!.n)
    await waitFor(async () => (await env.db.select().from(riskScores).where(eq(riskScores.url_id, active.id)))[0])
    // same tick again: every jobId already exists, so BullMQ adds nothing new
    const before = await workers.riskQueue.getJobCounts('completed', 'waiting', 'active')
    const again = await workers.riskQueue.add('sweep', { sweep: true }, { timestamp: sweep.timestamp } as never)
    await waitFor(async () => (await again.isCompleted()) || false)
    const after = await workers.riskQueue.getJobCounts('completed', 'waiting', 'active')
    expect((after.completed ?? 0) + (after.waiting ?? 0) + (after.active ?? 0)).toBe(
      (before.completed ?? 0) + (before.waiting ?? 0) + (before.active ?? 0) + 1,
    )
    expect(tick).toBeGreaterThan(0)
  })

  it('fails an invalid payload at once, without retries', async () => {
    const job = await workers.riskQueue.add('score', { url_id: 'seven' }, { attempts: 5 })
    await waitFor(async () => (await job.isFailed()) || false)
    const failed = (await workers.riskQueue.getJob(job.id!)) as Job
    // UnrecoverableError: failed for good on the first attempt, never moved back to delayed for a retry
    expect(failed.attemptsMade).toBeLessThanOrEqual(1)
    expect(await workers.riskQueue.getJobCounts('delayed')).toEqual({ delayed: 0 })
    expect(failed.failedReason).toBe('invalid score payload')
  })

  it('serves /health and /metrics', async () => {
    const app = Fastify()
    const config = loadConfig({})
    const metrics = createRiskMetrics(config.release, config.flags)
    await app.register(workerApp, { service: 'risk', db: env.db, redis: env.redis, metrics })
    const health = await app.inject('/health')
    expect([health.statusCode, health.json()]).toEqual([200, { status: 'ok', service: 'risk', db: 'ok', redis: 'ok' }])
    const m = await app.inject('/metrics')
    expect(m.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(m.body).toContain('ghostlink_threat_links_total')
    await app.close()
  })
})
