import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import { JOB_NAMES, QUEUES, QuarantineSyncJob, RiskJob, RiskSweepJob, enqueueQuarantineSync, enqueueRisk } from '@ghostlink/jobs'
import { redisKeys } from '@ghostlink/redis'
import type { RiskMetrics } from '@ghostlink/metrics'
import { sharedReloadCoalescer, syncQuarantineMap } from '@ghostlink/quarantine'
import { Queue, Worker } from 'bullmq'
import { createScheduleKeeper, instrumentWorker, parseJob as parse, sampleQueueCounts } from '@ghostlink/worker-kit'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { scoreUrl } from './jobs/score-url.js'
import { sweepRisk } from './jobs/sweep-risk.js'

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

/** Starts the risk and quarantine-sync workers and the risk schedule; close() finishes running jobs first. */
export async function startRiskWorkers(deps: RiskWorkerDeps) {
  const { config, db, connection, logger, metrics } = deps
  const prefix = redisKeys(config.REDIS_PREFIX).bull
  const riskQueue = new Queue(QUEUES.risk, { connection, prefix })
  const quarantineQueue = new Queue(QUEUES.quarantine, { connection, prefix })
  for (const q of [riskQueue, quarantineQueue]) q.on('error', (err) => logger.error({ err, queue: q.name }, 'queue error'))

  // at most one nginx reload per 5 s however many quarantine changes arrive (issue 13); a late one's failure is logged
  const reloader = sharedReloadCoalescer(config.NGINX_RELOAD_CMD, {
    onLateResult: (reload) => {
      if (reload.ran && !reload.ok) logger.error({ reload }, 'nginx reload command failed')
    },
  })
  const syncDeps = {
    reloader,
    db,
    redis: connection,
    prefix: config.REDIS_PREFIX,
    mapFile: config.QUARANTINE_MAP_FILE,
    reloadCommand: config.NGINX_RELOAD_CMD,
  }
  /** Renders the map now; used by the sync job and by the periodic re-sync of every copy. */
  const syncMap = async (reason: string) => {
    const result = await syncQuarantineMap(syncDeps)
    if (result.written)
      logger.info(
        { reason, codes: result.codes, added: result.added, removed: result.removed, reload: result.reload },
        'quarantine map written',
      )
    if (result.reload.ran && !result.reload.ok) logger.error({ reload: result.reload }, 'nginx reload command failed')
    return result
  }

  const interval = config.RISK_SCHEDULE_SECONDS
  // re-registers the scheduler after Redis comes back without it (issue 13)
  const keeper = createScheduleKeeper({
    redis: connection,
    firedKey: redisKeys(config.REDIS_PREFIX).scheduleFired,
    schedules: config.flags.ENABLE_RISK_SCORING ? [{ queue: riskQueue, id: 'risk-sweep', everyMs: interval * 1000 }] : [],
    logger,
    metrics,
    checkEveryMs: deps.scheduleCheckMs,
  })
  const riskWorker = new Worker(
    QUEUES.risk,
    async (job) => {
      if (job.name === JOB_NAMES.sweep) {
        parse(RiskSweepJob, job)
        await keeper.fired('risk-sweep').catch((err) => logger.warn({ err }, 'could not record the sweep'))
        return sweepRisk(job.timestamp + (job.opts.delay ?? 0), {
          db,
          intervalSeconds: interval,
          addJobs: (jobs) =>
            enqueueRisk(
              riskQueue,
              jobs.map((j) => ({ url_id: j.url_id, reason: 'schedule', jobId: j.jobId })),
              interval,
            ),
        })
      }
      const data = parse(RiskJob, job)
      return scoreUrl(data, {
        db,
        redis: connection,
        prefix: config.REDIS_PREFIX,
        enabled: config.flags.ENABLE_RISK_SCORING,
        autoBlocking: config.flags.ENABLE_AUTO_BLOCKING,
        metrics,
        onQuarantined: async (code) => {
          logger.warn({ short_code: code, url_id: data.url_id }, 'THREAT link quarantined automatically')
          await enqueueQuarantineSync(quarantineQueue, `auto ${code}`)
        },
      })
    },
    { connection, prefix, concurrency: config.RISK_CONCURRENCY },
  )

  // one writer at a time per copy; every copy renders its own file (each may feed its own Nginx)
  const quarantineWorker = new Worker(
    QUEUES.quarantine,
    async (job) => {
      const data = parse(QuarantineSyncJob, job)
      return syncMap(data.reason)
    },
    { connection, prefix, concurrency: 1 },
  )

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
