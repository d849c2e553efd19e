import { DeferJob, type JobHandler } from '@ghostlink/jobs'
import { DelayedError, type Job } from 'bullmq'

/**
 * A transport-free job handler as a BullMQ processor: a DeferJob hands the job back to the delayed set without
 * spending an attempt (moveToDelayed + DelayedError, BullMQ's way); anything else is BullMQ's as before.
 */
export function bullProcessor(handler: JobHandler) {
  return async (job: Job, token?: string): Promise<unknown> => {
    try {
      return await handler(job)
    } catch (err) {
      if (!(err instanceof DeferJob)) throw err
      await job.moveToDelayed(Date.now() + err.delayMs, token)
      throw new DelayedError()
    }
  }
}
