import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import { QUEUES, upsertSweep } from '@ghostlink/jobs'
import type { RiskMetrics } from '@ghostlink/metrics'
import { redisKeys } from '@ghostlink/redis'
import { bullProcessor, instrumentWorker } from '@ghostlink/worker-kit'
import { Queue, Worker } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { retentionHandler } from './handlers.js'

/** How often the click-retention job runs: its ages are in days, so an hour late is never late. */
export const CLICK_RETENTION_EVERY_MS = 3_600_000

export type RetentionWorkerDeps = {
  config: Pick<Config, 'REDIS_PREFIX' | 'CLICK_RETENTION_DAYS' | 'IP_ANONYMIZE_AFTER_DAYS'>
  db: Db
  connection: Redis
  logger: FastifyBaseLogger
  metrics: RiskMetrics
  /** Register the hourly schedule (off in tests that add jobs by hand). */
  schedules?: boolean
}

/**
 * The click-retention queue's worker and schedule, beside the risk workers (the risk service is the one worker tier
 * every deployment runs). One job at a time per copy; BullMQ's job scheduler adds one tick per hour for all copies.
 * The work itself is runClickRetention (packages/clicks/src/retention).
 */
export async function startRetentionWorker(deps: RetentionWorkerDeps) {
  const { config, connection, logger } = deps
  const prefix = redisKeys(config.REDIS_PREFIX).bull
  const queue = new Queue(QUEUES.clickRetention, { connection, prefix })
  queue.on('error', (err) => logger.error({ err, queue: queue.name }, 'queue error'))
  const worker = new Worker(QUEUES.clickRetention, bullProcessor(retentionHandler(deps)), { connection, prefix, concurrency: 1 })
  instrumentWorker(worker, deps.metrics, logger)
  if (deps.schedules !== false) await upsertSweep(queue, 'click-retention', CLICK_RETENTION_EVERY_MS)
  return {
    queue,
    worker,
    close: async () => {
      await worker.close()
      await queue.close()
    },
  }
}

export type RetentionWorker = Awaited<ReturnType<typeof startRetentionWorker>>
