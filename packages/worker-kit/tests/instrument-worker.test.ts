import { createQueueMetrics } from '@ghostlink/metrics'
import { cleanRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import { type Job, Queue, QueueEvents, Worker } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import { Redis } from 'ioredis'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { instrumentWorker, sampleQueueCounts } from '../src/instrument-worker.js'
import { parseJob } from '../src/parse-job.js'

const Payload = z.object({ url_id: z.number().int().positive() })

// A real queue and worker on the shared Redis (a prefix of this file's own): parseJob as a handler uses it, and
// instrumentWorker's counters as a scrape reads them.
describe('parseJob and instrumentWorker, on a real BullMQ worker', () => {
  const prefix = testRedisPrefix()
  const queueName = 'kit'
  let connection: Redis
  let queue: Queue
  let events: QueueEvents
  let worker: Worker
  const registry = new Registry()
  const metrics = createQueueMetrics(registry)
  const logged: Array<{ msg: string; obj: Record<string, unknown> }> = []
  const logger = { error: (obj: Record<string, unknown>, msg: string) => logged.push({ obj, msg }) } as unknown as FastifyBaseLogger
  const handled: number[] = []

  beforeAll(async () => {
    connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null })
    const opts = { connection, prefix: `${prefix}bull` }
    queue = new Queue(queueName, opts)
    events = new QueueEvents(queueName, { ...opts, connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }) })
    await events.waitUntilReady()
    worker = new Worker(
      queueName,
      async (job: Job) => {
        const { url_id } = parseJob(Payload, job)
        if (url_id === 13) throw new Error('unlucky')
        handled.push(url_id)
        return url_id
      },
      opts,
    )
    instrumentWorker(worker, metrics, logger)
  })
  afterAll(async () => {
    await worker.close()
    await events.close()
    await queue.close()
    connection.disconnect()
    await cleanRedisPrefix(prefix)
  })

  const counter = async (outcome: string) =>
    (await metrics.jobsProcessed.get()).values.find((v) => v.labels.queue === queueName && v.labels.outcome === outcome)?.value ?? 0

  it('hands a valid payload to the handler and counts the job completed, with the time of the last job', async () => {
    const job = await queue.add('probe', { url_id: 7 })
    expect(await job.waitUntilFinished(events, 10_000)).toBe(7)
    expect(handled).toContain(7)
    // the worker's own event may land a moment after QueueEvents reports the job finished
    await expect.poll(() => counter('completed')).toBe(1)
    const [last] = (await metrics.lastJobTimestamp.get()).values
    expect(last?.labels.queue).toBe(queueName)
    expect(Math.abs((last?.value ?? 0) - Date.now() / 1000)).toBeLessThan(30)
  })

  it('fails an invalid payload for good on its first attempt (no retries) and logs it', async () => {
    const job = await queue.add('probe', { url_id: 'seven' }, { attempts: 3, backoff: { type: 'fixed', delay: 10 } })
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow('invalid probe payload')
    const failed = await queue.getJob(job.id!)
    expect(failed?.attemptsMade).toBe(1)
    await expect.poll(() => counter('failed')).toBe(1)
    await expect.poll(() => logged).toContainEqual({ msg: 'job failed', obj: expect.objectContaining({ queue: queueName, jobId: job.id }) })
  })

  it('retries a handler error as the job asks, counting each failed attempt', async () => {
    const job = await queue.add('probe', { url_id: 13 }, { attempts: 2, backoff: { type: 'fixed', delay: 10 } })
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow('unlucky')
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(2)
    await expect.poll(() => counter('failed')).toBe(3)
  })

  it('sampleQueueCounts puts the backlog per state into ghostlink_queue_jobs', async () => {
    await worker.pause()
    await queue.add('probe', { url_id: 1 })
    await queue.add('probe', { url_id: 2 }, { delay: 60_000 })
    await sampleQueueCounts([queue], metrics)
    const text = await registry.metrics()
    expect(text).toContain(`ghostlink_queue_jobs{queue="${queueName}",state="waiting"} 1`)
    expect(text).toContain(`ghostlink_queue_jobs{queue="${queueName}",state="delayed"} 1`)
    expect(text).toContain(`ghostlink_queue_jobs{queue="${queueName}",state="failed"} 2`)
    expect(text).toContain(`ghostlink_queue_jobs{queue="${queueName}",state="active"} 0`)
  })
})
