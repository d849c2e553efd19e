import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import { QUEUES } from '@ghostlink/jobs'
import type { ProberMetrics } from '@ghostlink/metrics'
import { redisKeys } from '@ghostlink/redis'
import { bullProcessor, createScheduleKeeper, instrumentWorker, sampleQueueCounts } from '@ghostlink/worker-kit'
import { Queue, Worker } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { proberHandlers, proberSchedules } from './handlers.js'
import type { ProbeDeps } from './probe/probe-url.js'

// the same handlers on the in-process queue, for one process without Redis
export { type LocalProberWorkers, startLocalProberWorkers } from './local-worker.js'

export type ProberWorkerDeps = {
  config: Config
  db: Db
  /** A connection with maxRetriesPerRequest null (createBlockingRedis); BullMQ duplicates it for blocking reads. */
  connection: Redis
  logger: FastifyBaseLogger
  metrics: ProberMetrics
  probe: ProbeDeps
  /** Register the sweep and canary schedules (off in tests that drive jobs by hand). */
  schedules?: boolean
  /** How often the schedulers are checked for having vanished from Redis (default: the shortest interval, at most 30 s). */
  scheduleCheckMs?: number
}

/** Starts the link-health and canary workers on BullMQ and their schedules; close() finishes running jobs, then disconnects. */
export async function startProberWorkers(deps: ProberWorkerDeps) {
  const { config, connection, logger, metrics } = deps
  const prefix = redisKeys(config.REDIS_PREFIX).bull
  const linkQueue = new Queue(QUEUES.linkHealth, { connection, prefix })
  const canaryQueue = new Queue(QUEUES.canary, { connection, prefix })
  const riskQueue = new Queue(QUEUES.risk, { connection, prefix })
  const queues = [linkQueue, canaryQueue, riskQueue]
  for (const q of queues) q.on('error', (err) => logger.error({ err, queue: q.name }, 'queue error'))

  // re-registers the schedulers after Redis comes back without them (issue 13)
  const keeper = createScheduleKeeper({
    redis: connection,
    firedKey: redisKeys(config.REDIS_PREFIX).scheduleFired,
    schedules: proberSchedules(config, { link: linkQueue, canary: canaryQueue }),
    logger,
    metrics,
    checkEveryMs: deps.scheduleCheckMs,
  })
  const handlers = proberHandlers({ ...deps, linkQueue, riskQueue, fired: keeper.fired })

  const linkWorker = new Worker(QUEUES.linkHealth, bullProcessor(handlers.linkHealth), {
    connection,
    prefix,
    concurrency: config.PROBE_CONCURRENCY,
  })
  const canaryWorker = new Worker(QUEUES.canary, bullProcessor(handlers.canary), { connection, prefix, concurrency: 1 })

  for (const w of [linkWorker, canaryWorker]) instrumentWorker(w, metrics, logger)

  if (deps.schedules !== false) {
    if (!config.flags.ENABLE_CANARY_MONITORING) await canaryQueue.removeJobScheduler('canary-sweep')
    await keeper.start()
  }

  return {
    linkQueue,
    canaryQueue,
    riskQueue,
    workers: [linkWorker, canaryWorker],
    /** Last fire time and staleness of each schedule, for /health. */
    scheduleStatus: () => keeper.status(),
    /** Samples queue backlogs for the ghostlink_queue_jobs gauge. */
    sampleQueues: () => sampleQueueCounts([linkQueue, canaryQueue], metrics),
    close: async () => {
      keeper.stop()
      // worker.close() waits for the jobs in progress; anything not started stays in the queue
      await Promise.all([linkWorker.close(), canaryWorker.close()])
      await Promise.all(queues.map((q) => q.close()))
    },
  }
}

export type ProberWorkers = Awaited<ReturnType<typeof startProberWorkers>>
