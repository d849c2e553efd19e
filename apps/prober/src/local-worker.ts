import { type LocalJobs, QUEUES } from '@ghostlink/jobs'
import { createLocalScheduleKeeper, instrumentWorker, sampleQueueCounts } from '@ghostlink/worker-kit'
import { proberHandlers, proberSchedules } from './handlers.js'
import type { ProberWorkerDeps } from './worker.js'

export type LocalProberDeps = Omit<ProberWorkerDeps, 'connection' | 'scheduleCheckMs'> & {
  /** The process's local queues (createLocalJobs): the risk queue here is the one the risk workers take jobs from. */
  jobs: LocalJobs
}

/**
 * The link-health and canary workers on the in-process queue, for one process without Redis: the same handlers,
 * concurrency and retry policy as on BullMQ; the schedules fire on local timers. close() stops the schedules and
 * waits for running probes; close the prober before the risk workers, since a finishing probe still adds a rescore.
 */
export async function startLocalProberWorkers(deps: LocalProberDeps) {
  const { config, jobs, logger, metrics } = deps
  const linkQueue = jobs.queue(QUEUES.linkHealth)
  const canaryQueue = jobs.queue(QUEUES.canary)
  const riskQueue = jobs.queue(QUEUES.risk)
  const keeper = createLocalScheduleKeeper({
    schedules: proberSchedules(config, { link: linkQueue, canary: canaryQueue }),
    metrics,
  })
  const handlers = proberHandlers({ ...deps, linkQueue, riskQueue, fired: keeper.fired })
  const workers = [
    linkQueue.process(handlers.linkHealth, { concurrency: config.PROBE_CONCURRENCY }),
    canaryQueue.process(handlers.canary, { concurrency: 1 }),
  ]
  for (const w of workers) instrumentWorker(w, metrics, logger)
  if (deps.schedules !== false) await keeper.start()

  return {
    linkQueue,
    canaryQueue,
    riskQueue,
    /** Last fire time and staleness of each schedule (in-process), for /health. */
    scheduleStatus: () => keeper.status(),
    sampleQueues: () => sampleQueueCounts([linkQueue, canaryQueue], metrics),
    close: async () => {
      keeper.stop()
      await Promise.all(workers.map((w) => w.close()))
    },
  }
}

export type LocalProberWorkers = Awaited<ReturnType<typeof startLocalProberWorkers>>
