import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import { QUEUES } from '@ghostlink/jobs'
import type { RiskMetrics } from '@ghostlink/metrics'
import { redisKeys } from '@ghostlink/redis'
import { bullProcessor, createScheduleKeeper, instrumentWorker, sampleQueueCounts } from '@ghostlink/worker-kit'
import { Queue, Worker } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { createMapSync, riskHandlers, riskSchedules } from './handlers.js'

// the same handlers on the in-process queue, for one process without Redis
export { type LocalRetentionWorker, type LocalRiskWorkers, startLocalRetentionWorker, startLocalRiskWorkers } from './local-worker.js'

export type RiskWorkerDeps = {
  config: Config
  db: Db
  /** maxRetriesPerRequest null (createBlockingRedis); also used for the cache and pub/sub publishes. */
  connection: Redis
  logger: FastifyBaseLogger
  metrics: RiskMetrics
  /** Register the risk schedule (off in tests that drive jobs by hand). */
  schedules?: boolean
  /** How often the scheduler is checked for having vanished from Redis (default: its interval, at most 30 s). */
  scheduleCheckMs?: number
}

/** Starts the risk and quarantine-sync workers on BullMQ and the risk schedule; close() finishes running jobs first. */
export async function startRiskWorkers(deps: RiskWorkerDeps) {
  const { config, connection, logger, metrics } = deps
  const prefix = redisKeys(config.REDIS_PREFIX).bull
  const riskQueue = new Queue(QUEUES.risk, { connection, prefix })
  const quarantineQueue = new Queue(QUEUES.quarantine, { connection, prefix })
  for (const q of [riskQueue, quarantineQueue]) q.on('error', (err) => logger.error({ err, queue: q.name }, 'queue error'))

  const { syncMap, reloader } = createMapSync({ ...deps, redis: connection })
  // re-registers the scheduler after Redis comes back without it (issue 13)
  const keeper = createScheduleKeeper({
    redis: connection,
    firedKey: redisKeys(config.REDIS_PREFIX).scheduleFired,
    schedules: riskSchedules(config, riskQueue),
    logger,
    metrics,
    checkEveryMs: deps.scheduleCheckMs,
  })
  const handlers = riskHandlers({ ...deps, redis: connection, riskQueue, quarantineQueue, fired: keeper.fired }, syncMap)
  const riskWorker = new Worker(QUEUES.risk, bullProcessor(handlers.risk), { connection, prefix, concurrency: config.RISK_CONCURRENCY })
  // one writer at a time per copy; every copy renders its own file (each may feed its own Nginx)
  const quarantineWorker = new Worker(QUEUES.quarantine, bullProcessor(handlers.quarantine), { connection, prefix, concurrency: 1 })

  for (const w of [riskWorker, quarantineWorker]) instrumentWorker(w, metrics, logger)

  if (deps.schedules !== false) {
    if (!config.flags.ENABLE_RISK_SCORING) await riskQueue.removeJobScheduler('risk-sweep')
    await keeper.start()
  }

  return {
    riskQueue,
    quarantineQueue,
    workers: [riskWorker, quarantineWorker],
    /** Last fire time and staleness of the risk sweep, for /health. */
    scheduleStatus: () => keeper.status(),
    syncMap,
    sampleQueues: () => sampleQueueCounts([riskQueue, quarantineQueue], metrics),
    close: async () => {
      keeper.stop()
      // worker.close() lets running jobs finish; waiting jobs stay in the queue for the next copy
      await Promise.all([riskWorker.close(), quarantineWorker.close()])
      await Promise.all([riskQueue.close(), quarantineQueue.close()])
      await reloader.flush() // a reload still pending applies the last map before we exit
    },
  }
}

export type RiskWorkers = Awaited<ReturnType<typeof startRiskWorkers>>
