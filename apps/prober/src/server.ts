import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb } from '@ghostlink/db'
import { createBlockingRedis } from '@ghostlink/redis'
import { createProberMetrics } from '@ghostlink/metrics'
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import { workerApp } from '@ghostlink/worker-kit'
import { refreshCanaryGauges } from './canary/refresh-canary-gauges.js'
import { createProbeDeps } from './probe/probe-deps.js'
import { refreshDeadGauge } from './probe/refresh-dead-gauge.js'
import { startProberWorkers } from './worker.js'

const config = loadConfig()
const app = Fastify({ logger: { level: config.LOG_LEVEL } })
const logger = app.log
const db = createDb(config.databaseUrl, Math.min(config.DATABASE_POOL_MAX, config.PROBE_CONCURRENCY + 2))
const redis = createBlockingRedis(config.REDIS_URL, 'ghostlink-prober')
redis.on('error', (err) => logger.warn({ err: err.message }, 'redis error'))
const metrics = createProberMetrics(config.release, config.flags)

const probe = createProbeDeps(config, logger)

const workers = await startProberWorkers({ config, db, connection: redis, logger, metrics, probe })

// a current count over active links: on a timer, never per scrape (docs/decisions/rewrite-decisions.md#d-2)
const refreshDead = () => refreshDeadGauge(db, metrics).catch((err) => logger.warn({ err }, 'dead gauge refresh failed'))
const deadTimer = setInterval(refreshDead, 30_000)
void refreshDead()

await app.register(workerApp, {
  service: 'prober',
  db,
  redis,
  metrics,
  schedules: workers.scheduleStatus,
  beforeScrape: async () => {
    await Promise.allSettled([
      refreshCanaryGauges(db, metrics, config.flags.ENABLE_CANARY_MONITORING),
      workers.sampleQueues(),
      workers.scheduleStatus(), // refreshes the shared last-fired gauge for the ScheduleStalled alert
    ])
  },
})

closeWithGrace({ delay: 30_000 }, async ({ err, signal }) => {
  if (err) logger.error({ err }, 'shutting down after error')
  else logger.info({ signal }, 'shutting down')
  clearInterval(deadTimer)
  await app.close()
  await workers.close()
  await probe.close()
  redis.disconnect()
  await closeDb(db)
})

await app.listen({ host: config.HOST, port: config.PROBER_PORT })
