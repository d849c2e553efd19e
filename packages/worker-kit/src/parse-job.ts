import type { JobView } from '@ghostlink/jobs'
import { UnrecoverableError } from 'bullmq'
import type { z } from 'zod'

/**
 * The job's payload parsed by `schema`; an invalid payload fails the job for good (no retries: a retry cannot make it
 * valid). UnrecoverableError is BullMQ's, and the local queue honours it the same way.
 */
export function parseJob<T extends z.ZodType>(schema: T, job: Pick<JobView, 'name' | 'data'>): z.infer<T> {
  const r = schema.safeParse(job.data)
  if (!r.success) throw new UnrecoverableError(`invalid ${job.name} payload`)
  return r.data
}
