import { type LocalJobs, QUEUES, upsertSweep } from '@ghostlink/jobs'
import { createLocalScheduleKeeper, instrumentWorker, sampleQueueCounts } from '@ghostlink/worker-kit'
import { createMapSync, retentionHandler, riskHandlers, riskSchedules } from './handlers.js'
import { CLICK_RETENTION_EVERY_MS, type RetentionWorkerDeps } from './retention-worker.js'
import type { RiskWorkerDeps } from './worker.js'

export type LocalRiskDeps = Omit<RiskWorkerDeps, 'connection' | 'scheduleCheckMs'> & {
  /** The process's local queues (createLocalJobs): the API and the prober add to the same risk and quarantine queues. */
  jobs: LocalJobs
}

/**
 * The risk and quarantine-sync workers on the in-process queue, for one process without Redis: the same handlers,
 * concurrency and retry policy as on BullMQ; the risk sweep fires on a local timer. No Redis means no risk cache and
 * no pub/sub: scores and the map are computed from Postgres as with Redis down. close() waits for running jobs.
 */
export async function startLocalRiskWorkers(deps: LocalRiskDeps) {
  const { config, jobs, logger, metrics } = deps
  const riskQueue = jobs.queue(QUEUES.risk)
  const quarantineQueue = jobs.queue(QUEUES.quarantine)
  const { syncMap, reloader } = createMapSync(deps)
  const keeper = createLocalScheduleKeeper({ schedules: riskSchedules(config, riskQueue), metrics })
  const handlers = riskHandlers({ ...deps, riskQueue, quarantineQueue, fired: keeper.fired }, syncMap)
  const workers = [
    riskQueue.process(handlers.risk, { concurrency: config.RISK_CONCURRENCY }),
    // one writer of the map file at a time
    quarantineQueue.process(handlers.quarantine, { concurrency: 1 }),
  ]
  for (const w of workers) instrumentWorker(w, metrics, logger)
  if (deps.schedules !== false) await keeper.start()

  return {
    riskQueue,
    quarantineQueue,
    /** Last fire time and staleness of the risk sweep (in-process), for /health. */
    scheduleStatus: () => keeper.status(),
    /** Renders the map now; the one-process entry re-syncs on a timer as the risk server does. */
    syncMap,
    sampleQueues: () => sampleQueueCounts([riskQueue, quarantineQueue], metrics),
    close: async () => {
      keeper.stop()
      await Promise.all(workers.map((w) => w.close()))
      await reloader.flush()
    },
  }
}

export type LocalRiskWorkers = Awaited<ReturnType<typeof startLocalRiskWorkers>>

/** The hourly click-retention job on the in-process queue (one process without Redis). */
export async function startLocalRetentionWorker(deps: Omit<RetentionWorkerDeps, 'connection'> & { jobs: LocalJobs }) {
  const queue = deps.jobs.queue(QUEUES.clickRetention)
  const worker = queue.process(retentionHandler(deps), { concurrency: 1 })
  instrumentWorker(worker, deps.metrics, deps.logger)
  if (deps.schedules !== false) await upsertSweep(queue, 'click-retention', CLICK_RETENTION_EVERY_MS)
  return {
    queue,
    close: async () => {
      queue.removeJobScheduler('click-retention')
      await worker.close()
    },
  }
}

export type LocalRetentionWorker = Awaited<ReturnType<typeof startLocalRetentionWorker>>
