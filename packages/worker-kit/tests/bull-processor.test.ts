import { DeferJob, type JobView } from '@ghostlink/jobs'
import { cleanRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bullProcessor } from '../src/bull-processor.js'

// A transport-free handler on a real BullMQ worker (shared Redis, a prefix of this file's own): a DeferJob hands
// the job back to the delayed set without spending an attempt, as the prober's busy-host path did by hand.
describe('bullProcessor', () => {
  const prefix = testRedisPrefix()
  let connection: Redis
  let queue: Queue
  let worker: Worker
  const starts: Array<Pick<JobView, 'attemptsStarted'> & { at: number }> = []

  beforeAll(async () => {
    connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null })
    const opts = { connection, prefix: `${prefix}bull` }
    queue = new Queue('defer', opts)
    worker = new Worker(
      'defer',
      bullProcessor(async (job) => {
        starts.push({ attemptsStarted: job.attemptsStarted, at: Date.now() })
        if (job.attemptsStarted < 3) throw new DeferJob(100)
        if ((job.data as { fail?: boolean }).fail) throw new Error('down')
        return 'probed'
      }),
      opts,
    )
  })
  afterAll(async () => {
    await worker.close()
    await queue.close()
    connection.disconnect()
    await cleanRedisPrefix(prefix)
  })

  it('defers twice without spending the single attempt, then completes', async () => {
    const job = await queue.add('probe', {}, { attempts: 1 })
    await expect.poll(async () => (await queue.getJob(job.id!))?.finishedOn, { timeout: 10_000, interval: 25 }).toBeDefined()
    const done = (await queue.getJob(job.id!))!
    // BullMQ counts the finishing run as the one attempt made: the two deferrals spent none
    expect([await done.getState(), done.returnvalue, done.attemptsMade]).toEqual(['completed', 'probed', 1])
    expect(starts.map((s) => s.attemptsStarted)).toEqual([1, 2, 3])
    // handed back with its delay each time
    expect(starts[1]!.at - starts[0]!.at).toBeGreaterThanOrEqual(90)
  })

  it('passes other errors to BullMQ unchanged: the job fails', async () => {
    starts.length = 0
    const job = await queue.add('probe', { fail: true }, { attempts: 1 })
    await expect.poll(async () => (await queue.getJob(job.id!))?.finishedOn, { timeout: 10_000, interval: 25 }).toBeDefined()
    const failed = (await queue.getJob(job.id!))!
    expect([await failed.getState(), failed.failedReason]).toEqual(['failed', 'down'])
  })
})
