import type { createQueueMetrics } from '@ghostlink/metrics'
import type { Queue, Worker } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'

type QueueMetrics = ReturnType<typeof createQueueMetrics>

/** Logs worker errors and failed jobs, and counts outcomes and the last finished job (stall alerts read it). */
export function instrumentWorker(worker: Worker, metrics: QueueMetrics, logger: FastifyBaseLogger): void {
  worker.on('error', (err) => logger.error({ err, queue: worker.name }, 'worker error'))
  worker.on('completed', () => {
    metrics.jobsProcessed.inc({ queue: worker.name, outcome: 'completed' })
    metrics.lastJobTimestamp.set({ queue: worker.name }, Date.now() / 1000)
  })
  worker.on('failed', (job, err) => {
    metrics.jobsProcessed.inc({ queue: worker.name, outcome: 'failed' })
    logger.error({ err, queue: worker.name, jobId: job?.id }, 'job failed')
  })
}

/** Samples job counts per state into `ghostlink_queue_jobs` (called before a scrape). */
export async function sampleQueueCounts(queues: Queue[], metrics: QueueMetrics): Promise<void> {
  for (const q of queues) {
    const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed')
    for (const [state, n] of Object.entries(counts)) metrics.queueJobs.set({ queue: q.name, state }, n)
  }
}
