import type { JobView } from '@ghostlink/jobs'
import type { createQueueMetrics } from '@ghostlink/metrics'
import type { FastifyBaseLogger } from 'fastify'

type QueueMetrics = ReturnType<typeof createQueueMetrics>

/** What is watched of a worker: BullMQ's Worker and the local queue's LocalWorker both fit. */
type ObservedWorker = {
  name: string
  on(event: 'completed' | 'failed' | 'error', listener: (first: unknown, second: unknown) => void): unknown
}
/** A queue whose backlog is sampled: BullMQ's Queue or a LocalQueue. */
type CountedQueue = { name: string; getJobCounts(...states: Array<'waiting' | 'active' | 'delayed' | 'failed'>): Promise<Record<string, number>> }

/** Logs worker errors and failed jobs, and counts outcomes and the last finished job (stall alerts read it). */
export function instrumentWorker(worker: ObservedWorker, metrics: QueueMetrics, logger: FastifyBaseLogger): void {
  worker.on('error', (err) => logger.error({ err, queue: worker.name }, 'worker error'))
  worker.on('completed', () => {
    metrics.jobsProcessed.inc({ queue: worker.name, outcome: 'completed' })
    metrics.lastJobTimestamp.set({ queue: worker.name }, Date.now() / 1000)
  })
  worker.on('failed', (job, err) => {
    metrics.jobsProcessed.inc({ queue: worker.name, outcome: 'failed' })
    logger.error({ err, queue: worker.name, jobId: (job as JobView | undefined)?.id }, 'job failed')
  })
}

/** Samples job counts per state into `ghostlink_queue_jobs` (called before a scrape). */
export async function sampleQueueCounts(queues: CountedQueue[], metrics: QueueMetrics): Promise<void> {
  for (const q of queues) {
    const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed')
    for (const [state, n] of Object.entries(counts)) metrics.queueJobs.set({ queue: q.name, state }, n)
  }
}
