import { cleanRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ZodError } from 'zod'
import { enqueueProbes, enqueueQuarantineSync, enqueueRisk, JOB_NAMES, upsertSweep } from '../src/enqueue.js'
import { QUEUES } from '../src/queues.js'

// Real BullMQ queues on the shared Redis, under a prefix of this file's own.
describe('enqueue (one name, payload check and retry policy per job)', () => {
  const prefix = testRedisPrefix()
  let connection: Redis
  const queues: Queue[] = []
  const queue = (name: string) => {
    const q = new Queue(name, { connection, prefix: `${prefix}bull` })
    queues.push(q)
    return q
  }
  beforeAll(() => {
    connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null })
  })
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.obliterate({ force: true })
  })
  afterAll(async () => {
    connection.disconnect()
    await cleanRedisPrefix(prefix)
  })

  it('enqueueRisk adds `score` jobs with 3 attempts, exponential backoff and a bounded keep', async () => {
    const q = queue(QUEUES.risk)
    await enqueueRisk(q, [
      { url_id: 1, reason: 'created' },
      { url_id: 2, reason: 'health' },
    ])
    const jobs = await q.getWaiting()
    expect(jobs.map((j) => [j.name, j.data]).sort()).toEqual([
      [JOB_NAMES.score, { url_id: 1, reason: 'created' }],
      [JOB_NAMES.score, { url_id: 2, reason: 'health' }],
    ])
    expect(jobs[0]?.opts).toMatchObject({
      attempts: 3,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 3_600 },
      removeOnFail: { count: 1_000 },
    })
  })

  it('enqueueRisk adds a sweep tick once: a second add with the same jobId adds nothing', async () => {
    const q = queue(QUEUES.risk)
    await enqueueRisk(q, [{ url_id: 5, reason: 'schedule', jobId: 'score-5-100' }], 60)
    await enqueueRisk(q, [{ url_id: 5, reason: 'schedule', jobId: 'score-5-100' }], 60)
    await enqueueRisk(q, [{ url_id: 5, reason: 'schedule', jobId: 'score-5-101' }], 60)
    const jobs = await q.getWaiting()
    expect(jobs.map((j) => j.id).sort()).toEqual(['score-5-100', 'score-5-101'])
    expect(jobs[0]?.data).toEqual({ url_id: 5, reason: 'schedule' }) // the jobId is not part of the payload
    expect(jobs[0]?.opts.removeOnComplete).toEqual({ age: 60 })
  })

  it('enqueueRisk refuses an invalid payload before anything reaches the queue', async () => {
    const q = queue(QUEUES.risk)
    await expect(enqueueRisk(q, [{ url_id: 1, reason: 'created' }, { url_id: 0, reason: 'created' }])).rejects.toBeInstanceOf(ZodError)
    await expect(enqueueRisk(q, [{ url_id: 1, reason: 'whim' as 'created' }])).rejects.toBeInstanceOf(ZodError)
    await enqueueRisk(q, [])
    expect(await q.count()).toBe(0)
  })

  it('enqueueQuarantineSync adds a `sync` job whose reason is cut to the 100 characters the payload allows', async () => {
    const q = queue(QUEUES.quarantine)
    await enqueueQuarantineSync(q, 'quarantine:abc123')
    await enqueueQuarantineSync(q, 'x'.repeat(250))
    const jobs = await q.getWaiting()
    expect(jobs.map((j) => j.name)).toEqual([JOB_NAMES.sync, JOB_NAMES.sync])
    expect(jobs.map((j) => (j.data as { reason: string }).reason.length).sort((a, b) => a - b)).toEqual([17, 100])
    expect(jobs[0]?.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 1_000 } })
  })

  it('enqueueQuarantineSync refuses a reason that is not a string', async () => {
    const q = queue(QUEUES.quarantine)
    await expect(enqueueQuarantineSync(q, 42 as unknown as string)).rejects.toThrow()
    expect(await q.count()).toBe(0)
  })

  it('enqueueProbes: a repeated tick adds nothing, and a new tick does not pile a second probe behind a waiting one', async () => {
    const q = queue(QUEUES.linkHealth)
    await enqueueProbes(q, [{ url_id: 1, jobId: 'probe-1-10' }, { url_id: 2, jobId: 'probe-2-10' }], 300)
    await enqueueProbes(q, [{ url_id: 1, jobId: 'probe-1-10' }], 300)
    await enqueueProbes(q, [{ url_id: 1, jobId: 'probe-1-11' }, { url_id: 3, jobId: 'probe-3-11' }], 300)
    const jobs = await q.getWaiting()
    expect(jobs.map((j) => j.id).sort()).toEqual(['probe-1-10', 'probe-2-10', 'probe-3-11'])
    expect(jobs.every((j) => j.name === JOB_NAMES.probe)).toBe(true)
    expect(jobs[0]?.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: 300 } })
  })

  it('upsertSweep keeps one scheduler per id and replaces its interval', async () => {
    const q = queue(QUEUES.risk)
    await upsertSweep(q, 'risk-sweep', 60_000)
    await upsertSweep(q, 'risk-sweep', 120_000)
    const schedulers = await q.getJobSchedulers()
    expect(schedulers).toHaveLength(1)
    expect(schedulers[0]).toMatchObject({ key: 'risk-sweep', name: JOB_NAMES.sweep, every: 120_000 })
    // the scheduler's next tick: one job, however often the scheduler is upserted
    const ticks = await q.getJobs(['waiting', 'delayed', 'prioritized'])
    expect(ticks.map((j) => [j.name, j.data])).toEqual([[JOB_NAMES.sweep, { sweep: true }]])
  })
})
