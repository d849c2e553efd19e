import { loadConfig } from '@ghostlink/config'
import { createProberMetrics } from '@ghostlink/metrics'
import { createBlockingRedis, redisKeys } from '@ghostlink/redis'
import { redisReady, startThrowawayRedis, type ThrowawayRedis } from '@ghostlink/testing'
import { workerApp } from '@ghostlink/worker-kit'
import Fastify from 'fastify'
import type { Redis } from 'ioredis'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { allowAll } from '../src/probe/address-policy.js'
import { HostLimiter } from '../src/probe/host-limiter.js'
import { createProbeAgent } from '../src/probe/probe-agent.js'
import { startProberWorkers } from '../src/worker.js'
import { createTestEnv, type TestEnv } from './helpers/test-env.js'

// Issue 13 item 2: a Redis restart that loses its data silently stopped every BullMQ schedule (registered only at
// start-up) while /health said ok. Runs against a private redis-server without persistence, never the shared one.
let env: TestEnv
let redisServer: ThrowawayRedis
let connection: Redis

beforeAll(async () => {
  env = await createTestEnv()
  redisServer = await startThrowawayRedis({ appendfsync: 'no' })
  connection = createBlockingRedis(redisServer.url, 'schedule-keeper-test')
  connection.on('error', () => {})
  await redisReady(connection)
})
afterAll(async () => {
  connection.disconnect()
  redisServer.destroy()
  await env.close()
})

describe('job schedulers survive a Redis restart without data', () => {
  it('re-registers the sweep after Redis comes back empty; /health reports the schedule and goes 503 when it stalls', async () => {
    const config = loadConfig({
      DATABASE_URL: env.dbUrl,
      REDIS_URL: redisServer.url,
      REDIS_PREFIX: env.prefix,
      PROBE_INTERVAL_SECONDS: '1',
      ENABLE_CANARY_MONITORING: 'false',
      LOG_LEVEL: 'silent',
    })
    const metrics = createProberMetrics(config.release, config.flags)
    const agent = createProbeAgent({ policy: allowAll, connectTimeoutMs: 500, timeoutMs: 500 })
    const probe = { dispatcher: agent, policy: allowAll, limiter: new HostLimiter(2), timeoutMs: 500, maxRedirects: 2 }
    const workers = await startProberWorkers({
      config,
      db: env.db,
      connection,
      logger: pino({ level: 'silent' }),
      metrics,
      probe,
      scheduleCheckMs: 300,
    })
    const app = Fastify({ logger: false })
    await app.register(workerApp, { service: 'prober', db: env.db, redis: connection, metrics, schedules: workers.scheduleStatus })
    const firedKey = redisKeys(env.prefix).scheduleFired('link-health-sweep')
    try {
      await vi.waitFor(async () => { const v = await (() => connection.get(firedKey))(); expect(v).toBeTruthy(); return v! }, { timeout: 8_000, interval: 25 })
      const healthy = await app.inject('/health')
      expect(healthy.statusCode).toBe(200)
      expect(healthy.json().schedules).toEqual([
        expect.objectContaining({ schedule: 'link-health-sweep', every_seconds: 1, stale: false }),
      ])

      // the restart loses everything, schedulers included
      redisServer.wipe()
      await redisServer.start()
      expect(await connection.exists(firedKey).catch(() => 0)).toBe(0)
      await vi.waitFor(async () => { const v = await (() => workers.linkQueue.getJobScheduler('link-health-sweep'))(); expect(v).toBeTruthy(); return v! }, { timeout: 8_000, interval: 25 })
      await vi.waitFor(async () => { const v = await (() => connection.get(firedKey))(); expect(v).toBeTruthy(); return v! }, { timeout: 8_000, interval: 25 })
      expect((await metrics.registry.getSingleMetricAsString('ghostlink_schedule_reasserted_total')).includes('} 1')).toBe(true)

      // a flush without a reconnect: the periodic check catches it
      await connection.flushall()
      await vi.waitFor(async () => { const v = await (() => workers.linkQueue.getJobScheduler('link-health-sweep'))(); expect(v).toBeTruthy(); return v! }, { timeout: 8_000, interval: 25 })
      await vi.waitFor(async () => { const v = await (() => connection.get(firedKey))(); expect(v).toBeTruthy(); return v! }, { timeout: 8_000, interval: 25 })

      // the worker stops taking jobs: after two intervals /health says so
      await workers.workers[0]!.pause()
      const stale = await vi.waitFor(async () => { const v = await (async () => {
        const res = await app.inject('/health')
        return res.statusCode === 503 ? res : undefined
      })(); expect(v).toBeTruthy(); return v! }, { timeout: 8_000, interval: 25 })
      expect(stale.json()).toMatchObject({ status: 'degraded', db: 'ok', redis: 'ok', schedules: [{ stale: true }] })
    } finally {
      await app.close()
      await workers.close()
      await agent.close()
    }
  }, 40_000)
})
