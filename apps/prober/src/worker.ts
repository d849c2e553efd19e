import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import { CanaryJob, JOB_NAMES, LinkHealthJob, LinkHealthSweepJob, QUEUES, enqueueProbes, enqueueRisk } from '@ghostlink/jobs'
import { redisKeys } from '@ghostlink/redis'
import type { ProberMetrics } from '@ghostlink/metrics'
import { DelayedError, Queue, Worker } from 'bullmq'
import { createScheduleKeeper, instrumentWorker, parseJob as parse, type Schedule, sampleQueueCounts } from '@ghostlink/worker-kit'
import type { Redis } from 'ioredis'
import type { FastifyBaseLogger } from 'fastify'
import { refreshCanaryGauges } from './canary/refresh-canary-gauges.js'
import { probeLink } from './jobs/probe-link.js'
import { runCanaries } from './jobs/run-canaries.js'
import { sweepLinks } from './jobs/sweep-links.js'
import type { ProbeDeps } from './probe/probe-url.js'

/** How many times a probe job may be handed back because its host is busy before it queues for a slot. */
const MAX_DEFERRALS = 20

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

/** Starts the link-health and canary workers and their schedules; close() finishes running jobs, then disconnects. */
export async function startProberWorkers(deps: ProberWorkerDeps) {
  const { config, db, connection, logger, metrics } = deps
  const prefix = redisKeys(config.REDIS_PREFIX).bull
  const linkQueue = new Queue(QUEUES.linkHealth, { connection, prefix })
  const canaryQueue = new Queue(QUEUES.canary, { connection, prefix })
  const riskQueue = new Queue(QUEUES.risk, { connection, prefix })
  const queues = [linkQueue, canaryQueue, riskQueue]
  for (const q of queues) q.on('error', (err) => logger.error({ err, queue: q.name }, 'queue error'))

  const interval = config.PROBE_INTERVAL_SECONDS
  const rescoreAfterProbe = config.flags.ENABLE_RISK_SCORING
    ? (urlId: number) => enqueueRisk(riskQueue, [{ url_id: urlId, reason: 'health' }])
    : undefined

  const schedules: Schedule[] = [{ queue: linkQueue, id: 'link-health-sweep', everyMs: interval * 1000 }]
  if (config.flags.ENABLE_CANARY_MONITORING) {
    schedules.push({ queue: canaryQueue, id: 'canary-sweep', everyMs: config.CANARY_INTERVAL_SECONDS * 1000, jobName: JOB_NAMES.canary })
  }
  // re-registers the schedulers after Redis comes back without them (issue 13)
  const keeper = createScheduleKeeper({
    redis: connection,
    firedKey: redisKeys(config.REDIS_PREFIX).scheduleFired,
    schedules,
    logger,
    metrics,
    checkEveryMs: deps.scheduleCheckMs,
  })
  const fired = (id: string) => keeper.fired(id).catch((err) => logger.warn({ err, schedule: id }, 'could not record the sweep'))

  const linkWorker = new Worker(
    QUEUES.linkHealth,
    async (job, token) => {
      if (job.name === JOB_NAMES.sweep) {
        parse(LinkHealthSweepJob, job)
        await fired('link-health-sweep')
        return sweepLinks(job.timestamp + (job.opts.delay ?? 0), {
          db,
          intervalSeconds: interval,
          addProbeJobs: (jobs) => enqueueProbes(linkQueue, jobs, interval),
        })
      }
      const data = parse(LinkHealthJob, job)
      // a job handed back too often just waits its turn, so a permanently busy host still gets probed
      const deferIfHostBusy = job.attemptsStarted <= MAX_DEFERRALS
      const outcome = await probeLink(data, {
        db,
        probe: deps.probe,
        keep: config.HEALTH_CHECKS_KEEP,
        enqueueRisk: rescoreAfterProbe,
        metrics,
        deferIfHostBusy,
      })
      if ('deferred' in outcome) {
        await job.moveToDelayed(Date.now() + 250 + Math.floor(Math.random() * 750), token)
        throw new DelayedError()
      }
      return outcome
    },
    { connection, prefix, concurrency: config.PROBE_CONCURRENCY },
  )

  const canaryWorker = new Worker(
    QUEUES.canary,
    async (job) => {
      parse(CanaryJob, job)
      await fired('canary-sweep')
      const results = await runCanaries({ db, baseUrl: config.CANARY_BASE_URL, timeoutMs: config.CANARY_TIMEOUT_MS })
      for (const r of results.filter((x) => !x.ok))
        logger.warn({ canary: r.canary, status: r.status, latency: r.latency_seconds }, 'canary failed')
      await refreshCanaryGauges(db, metrics, config.flags.ENABLE_CANARY_MONITORING)
      return results
    },
    { connection, prefix, concurrency: 1 },
  )

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
