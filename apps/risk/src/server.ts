import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb } from '@ghostlink/db'
import { createBlockingRedis } from '@ghostlink/redis'
import { createRiskMetrics } from '@ghostlink/metrics'
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import { workerApp } from '@ghostlink/worker-kit'
import { startRetentionWorker } from './retention-worker.js'
import { refreshRiskGauges } from './telemetry/refresh-risk-gauges.js'
import { startRiskWorkers } from './worker.js'

const GAUGE_REFRESH_MS = 15_000
const MAP_RESYNC_MS = 30_000

const config = loadConfig()
const app = Fastify({ logger: { level: config.LOG_LEVEL } })
const logger = app.log
const db = createDb(config.databaseUrl, Math.min(config.DATABASE_POOL_MAX, config.RISK_CONCURRENCY + 3))
const redis = createBlockingRedis(config.REDIS_URL, 'ghostlink-risk')
redis.on('error', (err) => logger.warn({ err: err.message }, 'redis error'))
const metrics = createRiskMetrics(config.release, config.flags)

const workers = await startRiskWorkers({ config, db, connection: redis, logger, metrics })
const retention = await startRetentionWorker({ config, db, connection: redis, logger, metrics })

// gauges on a timer, never a table scan per scrape (docs/decisions/rewrite-decisions.md#d-2)
const refreshGauges = () => refreshRiskGauges(db, metrics, config.flags).catch((err) => logger.warn({ err }, 'gauge refresh failed'))
// every copy re-renders its map file: a missed sync job or a row changed by hand still reaches Nginx
const resyncMap = () => workers.syncMap('periodic').catch((err) => logger.error({ err }, 'quarantine map sync failed'))
const timers = [setInterval(refreshGauges, GAUGE_REFRESH_MS), setInterval(resyncMap, MAP_RESYNC_MS)]
void refreshGauges()
void resyncMap()

await app.register(workerApp, {
  service: 'risk',
  db,
  redis,
  metrics,
  schedules: workers.scheduleStatus,
  // the schedule status refreshes the shared last-fired gauge for the ScheduleStalled alert
  beforeScrape: async () => {
    await Promise.allSettled([workers.sampleQueues(), workers.scheduleStatus()])
  },
})

closeWithGrace({ delay: 30_000 }, async ({ err, signal }) => {
  if (err) logger.error({ err }, 'shutting down after error')
  else logger.info({ signal }, 'shutting down')
  for (const t of timers) clearInterval(t)
  await app.close()
  await workers.close()
  await retention.close()
  redis.disconnect()
  await closeDb(db)
})

await app.listen({ host: config.HOST, port: config.RISK_PORT })
