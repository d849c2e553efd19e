import { UnrecoverableError } from 'bullmq'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ZodError } from 'zod'
import { enqueueProbes, enqueueQuarantineSync, enqueueRisk, JOB_NAMES, upsertSweep } from '../src/enqueue.js'
import { createLocalJobs } from '../src/local-jobs.js'
import { LocalQueue } from '../src/local-queue.js'
import { DeferJob, type JobView } from '../src/producer.js'

// The in-process queue on real timers; no Redis involved.
const WAIT = { timeout: 5_000, interval: 10 }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const open: LocalQueue[] = []
const queue = (name = 'q', now?: () => number) => {
  const q = new LocalQueue(name, now)
  open.push(q)
  return q
}
afterEach(async () => {
  for (const q of open.splice(0)) await q.close()
})

describe('LocalQueue', () => {
  it('runs at most `concurrency` jobs at a time and runs them all', async () => {
    const q = queue()
    let running = 0
    let peak = 0
    const done: number[] = []
    q.process(
      async (job) => {
        running += 1
        peak = Math.max(peak, running)
        await sleep(30)
        running -= 1
        done.push((job.data as { n: number }).n)
      },
      { concurrency: 2 },
    )
    await q.addBulk([1, 2, 3, 4, 5, 6].map((n) => ({ name: 'work', data: { n } })))
    await vi.waitFor(() => expect(done).toHaveLength(6), WAIT)
    expect(peak).toBe(2)
    expect(done.slice(0, 2).sort()).toEqual([1, 2]) // first in, first out
  })

  it('retries a failing job with exponential backoff until it succeeds', async () => {
    const q = queue()
    const starts: number[] = []
    const failedEvents: unknown[] = []
    const worker = q.process(
      async () => {
        starts.push(performance.now())
        if (starts.length < 3) throw new Error(`attempt ${starts.length}`)
        return 'ok'
      },
      { concurrency: 1 },
    )
    const completed: unknown[] = []
    worker.on('completed', (_job, result) => completed.push(result))
    worker.on('failed', (_job, err) => failedEvents.push((err as Error).message))
    await q.add('flaky', {}, { attempts: 3, backoff: { type: 'exponential', delay: 60 } })
    await vi.waitFor(() => expect(completed).toEqual(['ok']), WAIT)
    expect(starts).toHaveLength(3)
    // 60 ms before the second attempt, 120 ms before the third (timers may be late, never early)
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(59)
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(119)
    expect(failedEvents).toEqual(['attempt 1', 'attempt 2']) // one 'failed' per failed attempt, as BullMQ's worker
    expect(await q.getJobCounts('failed', 'delayed', 'waiting')).toEqual({ failed: 0, delayed: 0, waiting: 0 })
  })

  it('fails a job for good when its attempts are spent, and at once on UnrecoverableError', async () => {
    const q = queue()
    const runs: string[] = []
    q.process(
      async (job) => {
        runs.push(job.name)
        throw job.name === 'bad-payload' ? new UnrecoverableError('invalid') : new Error('down')
      },
      { concurrency: 1 },
    )
    await q.add('always-fails', {}, { attempts: 3, backoff: { type: 'fixed', delay: 10 } })
    await q.add('bad-payload', {}, { attempts: 5, backoff: { type: 'fixed', delay: 10 } })
    await vi.waitFor(async () => expect(await q.getJobCounts('failed')).toEqual({ failed: 2 }), WAIT)
    expect(runs.filter((n) => n === 'always-fails')).toHaveLength(3)
    expect(runs.filter((n) => n === 'bad-payload')).toHaveLength(1)
    expect(await q.getJobCounts('delayed', 'waiting', 'active')).toEqual({ delayed: 0, waiting: 0, active: 0 })
  })

  it('adds a jobId once while the job is pending or kept, and again once its keep has passed', async () => {
    let clock = 1_000_000
    const q = queue('ids', () => clock)
    // no worker yet: the first add stays waiting
    expect(await q.add('a', { v: 1 }, { jobId: 'same', removeOnComplete: { age: 60 } })).toBeDefined()
    expect(await q.add('a', { v: 2 }, { jobId: 'same', removeOnComplete: { age: 60 } })).toBeUndefined()
    const seen: unknown[] = []
    q.process(async (job) => void seen.push(job.data), { concurrency: 1 })
    await vi.waitFor(() => expect(seen).toEqual([{ v: 1 }]), WAIT)
    // completed and kept for 60 s: still refused
    clock += 59_000
    expect(await q.add('a', { v: 3 }, { jobId: 'same', removeOnComplete: { age: 60 } })).toBeUndefined()
    clock += 2_000
    expect(await q.add('a', { v: 4 }, { jobId: 'same', removeOnComplete: { age: 60 } })).toBeDefined()
    await vi.waitFor(() => expect(seen).toEqual([{ v: 1 }, { v: 4 }]), WAIT)
    // removeOnComplete: true keeps nothing, so the same id may run again at once
    await q.add('b', {}, { jobId: 'gone', removeOnComplete: true })
    await vi.waitFor(() => expect(seen).toHaveLength(3), WAIT)
    await q.add('b', {}, { jobId: 'gone', removeOnComplete: true })
    await vi.waitFor(() => expect(seen).toHaveLength(4), WAIT)
  })

  it('runs a delayed job no earlier than its delay', async () => {
    const q = queue()
    const ran: number[] = []
    q.process(async () => void ran.push(performance.now()), { concurrency: 1 })
    const added = performance.now()
    await q.add('later', {}, { delay: 150 })
    expect(await q.getJobCounts('delayed', 'waiting')).toEqual({ delayed: 1, waiting: 0 })
    await vi.waitFor(() => expect(ran).toHaveLength(1), WAIT)
    expect(ran[0]! - added).toBeGreaterThanOrEqual(149)
  })

  it('hands a deferred job back without spending an attempt or reporting a failure', async () => {
    const q = queue()
    const views: Array<Pick<JobView, 'attemptsStarted'>> = []
    const failed: unknown[] = []
    const worker = q.process(
      async (job) => {
        views.push({ attemptsStarted: job.attemptsStarted })
        if (job.attemptsStarted < 3) throw new DeferJob(20)
        return 'probed'
      },
      { concurrency: 1 },
    )
    worker.on('failed', (_j, err) => failed.push(err))
    // a single attempt: deferrals must not use it up
    await q.add('probe', { url_id: 1 }, { attempts: 1 })
    await vi.waitFor(() => expect(views).toHaveLength(3), WAIT)
    expect(views.map((v) => v.attemptsStarted)).toEqual([1, 2, 3])
    expect(failed).toEqual([])
    expect(await q.getJobCounts('failed')).toEqual({ failed: 0 })
  })

  it('fires a scheduler at once and then on an exact grid, stops it on remove, and starts it again on upsert', async () => {
    const q = queue()
    const ticks: JobView[] = []
    q.process(async (job) => void ticks.push(job), { concurrency: 1 })
    await upsertSweep(q, 'sweep', 80)
    await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(3), WAIT)
    const stamps = ticks.map((t) => t.timestamp)
    for (let i = 1; i < stamps.length; i++) expect((stamps[i]! - stamps[0]!) % 80).toBe(0)
    expect(new Set(stamps).size).toBe(stamps.length)
    expect(ticks[0]).toMatchObject({ name: JOB_NAMES.sweep, data: { sweep: true } })
    // stopped: no tick after the one that may be running now
    q.removeJobScheduler('sweep')
    await vi.waitFor(async () => expect(await q.getJobCounts('waiting', 'active')).toEqual({ waiting: 0, active: 0 }), WAIT)
    const stopped = ticks.length
    await sleep(200)
    expect(ticks.length).toBe(stopped)
    // registered again with a long interval: one tick at once, then none for a while
    const after = ticks.length
    await upsertSweep(q, 'sweep', 60_000)
    await vi.waitFor(() => expect(ticks.length).toBe(after + 1), WAIT)
    await sleep(250)
    expect(ticks.length).toBe(after + 1)
  })

  it('adds no second scheduler tick while one is still waiting', async () => {
    const q = queue()
    await upsertSweep(q, 'sweep', 30)
    await sleep(200) // several slots pass with no worker
    expect(await q.getJobCounts('waiting')).toEqual({ waiting: 1 })
  })

  it('close() waits for the running jobs, drops delayed ones and refuses new adds', async () => {
    const q = new LocalQueue('closing')
    const finished: string[] = []
    q.process(
      async (job) => {
        await sleep(200)
        finished.push(job.name)
      },
      { concurrency: 1 },
    )
    await q.add('running', {})
    await q.add('later', {}, { delay: 50 })
    await vi.waitFor(async () => expect(await q.getJobCounts('active')).toEqual({ active: 1 }), WAIT)
    await q.close()
    expect(finished).toEqual(['running'])
    await expect(q.add('x', {})).rejects.toThrow('queue closing is closed')
    await sleep(150)
    expect(finished).toEqual(['running'])
  })
})

describe('enqueueX on the local queue (the same policies as on BullMQ)', () => {
  it('enqueueRisk validates payloads, keeps the jobId out of the payload and adds a sweep id once', async () => {
    const jobs = createLocalJobs()
    const q = jobs.queue('risk')
    expect(jobs.queue('risk')).toBe(q) // producers and the worker meet on one queue per name
    await expect(enqueueRisk(q, [{ url_id: 0, reason: 'created' }])).rejects.toBeInstanceOf(ZodError)
    await enqueueRisk(q, [{ url_id: 5, reason: 'schedule', jobId: 'risk-5-100' }], 60)
    await enqueueRisk(q, [{ url_id: 5, reason: 'schedule', jobId: 'risk-5-100' }], 60)
    const seen: JobView[] = []
    const failures: unknown[] = []
    const worker = q.process(
      async (job) => {
        seen.push(job)
        throw new Error('scoring down')
      },
      { concurrency: 1 },
    )
    worker.on('failed', (_j, err) => failures.push(err))
    // three attempts, 1 s then 2 s apart
    await vi.waitFor(() => expect(failures).toHaveLength(2), WAIT)
    expect(seen.map((j) => [j.id, j.name, j.data])).toEqual([
      ['risk-5-100', JOB_NAMES.score, { url_id: 5, reason: 'schedule' }],
      ['risk-5-100', JOB_NAMES.score, { url_id: 5, reason: 'schedule' }],
    ])
    expect(await q.getJobCounts('delayed')).toEqual({ delayed: 1 })
    await jobs.close()
  })

  it('enqueueProbes adds one probe per URL while one is pending, whatever the tick', async () => {
    const q = queue('link-health')
    await enqueueProbes(
      q,
      [
        { url_id: 1, jobId: 'probe-1-10' },
        { url_id: 2, jobId: 'probe-2-10' },
      ],
      300,
    )
    await enqueueProbes(
      q,
      [
        { url_id: 1, jobId: 'probe-1-11' },
        { url_id: 3, jobId: 'probe-3-11' },
      ],
      300,
    )
    expect(await q.getJobCounts('waiting')).toEqual({ waiting: 3 })
    const ids: string[] = []
    q.process(async (job) => void ids.push(job.id!), { concurrency: 1 })
    await vi.waitFor(() => expect(ids.sort()).toEqual(['probe-1-10', 'probe-2-10', 'probe-3-11']), WAIT)
    // once the probe of URL 1 is done, the next tick's probe is added (its own jobId is new)
    await enqueueProbes(q, [{ url_id: 1, jobId: 'probe-1-12' }], 300)
    await vi.waitFor(() => expect(ids).toContain('probe-1-12'), WAIT)
  })

  it('enqueueQuarantineSync refuses a reason that is not a string and copies payloads as JSON', async () => {
    const q = queue('quarantine')
    await expect(enqueueQuarantineSync(q, 42 as unknown as string)).rejects.toThrow()
    expect(await q.getJobCounts('waiting')).toEqual({ waiting: 0 })
    const data = { when: new Date(0) }
    await q.add('copy', data)
    data.when = new Date(1)
    const seen: unknown[] = []
    q.process(async (job) => void seen.push(job.data), { concurrency: 1 })
    await vi.waitFor(() => expect(seen).toEqual([{ when: '1970-01-01T00:00:00.000Z' }]), WAIT)
  })
})
