import { UnrecoverableError } from 'bullmq'
import { DeferJob, type JobHandler, type JobOptions, type JobProducer, type JobView, type KeepJobs } from './producer.js'

/** Finished ids kept at most, per queue and outcome, when the job's options set no count (BullMQ keeps all). */
const MAX_KEPT_IDS = 10_000

export type LocalJob = JobView & { id: string; opts: JobOptions; attemptsMade: number }

type Listener = (job: LocalJob, value: unknown) => void
type Kept = Map<string, number> // job id → kept until (epoch ms), in insertion order

/**
 * An in-process queue with the rules of our BullMQ use, for one process without Redis: per-queue concurrency,
 * attempts with exponential or fixed backoff, UnrecoverableError fails at once, jobId idempotency while the id is
 * kept (removeOnComplete/removeOnFail), deduplication ids while a job waits or runs, delayed jobs, DeferJob, and
 * repeating schedulers (`every` ms, first tick at once, ticks on an exact grid like BullMQ's slots).
 * Payloads go through JSON as they do on Redis. Nothing is durable: jobs still waiting at close() are dropped (the
 * next sweep tick adds them again). Events of the worker: 'completed' (job, result), 'failed' (job, err) per attempt.
 */
export class LocalQueue implements JobProducer {
  private readonly ready: LocalJob[] = []
  private readonly delayed = new Map<LocalJob, NodeJS.Timeout>()
  /** ids of jobs added and not finished */
  private readonly pending = new Set<string>()
  private readonly dedup = new Set<string>()
  private readonly keptCompleted: Kept = new Map()
  private readonly keptFailed: Kept = new Map()
  private readonly schedulers = new Map<string, NodeJS.Timeout>()
  private worker: LocalWorker | undefined
  private closed = false
  private seq = 0
  private failedTotal = 0

  constructor(
    readonly name: string,
    private readonly now: () => number = Date.now,
  ) {}

  async add(name: string, data: unknown, opts: JobOptions = {}): Promise<LocalJob | undefined> {
    return this.enqueue(name, data, opts)
  }

  async addBulk(jobs: Array<{ name: string; data: unknown; opts?: JobOptions }>): Promise<Array<LocalJob | undefined>> {
    return jobs.map((j) => this.enqueue(j.name, j.data, j.opts ?? {}))
  }

  async upsertJobScheduler(id: string, repeat: { every: number }, template: { name: string; data: unknown }): Promise<void> {
    this.removeJobScheduler(id)
    if (this.closed) return
    const every = repeat.every
    const fire = (slot: number) => {
      // one tick waiting or running per scheduler, as BullMQ adds the next only when one is taken
      this.enqueue(template.name, template.data, { timestamp: slot, deduplication: { id: `scheduler:${id}` } })
      // stay on the grid: a late timer skips the slots it missed rather than firing them all at once
      const next = slot + every * Math.max(1, Math.ceil((this.now() - slot) / every))
      this.schedulers.set(
        id,
        unrefTimer(() => fire(next), next - this.now()),
      )
    }
    fire(this.now())
  }

  removeJobScheduler(id: string): void {
    clearTimeout(this.schedulers.get(id))
    this.schedulers.delete(id)
  }

  /** Starts handling jobs, at most `concurrency` at a time; one worker per queue. */
  process(handler: JobHandler, opts: { concurrency: number }): LocalWorker {
    if (this.worker) throw new Error(`queue ${this.name} already has a worker`)
    this.worker = new LocalWorker(
      this.name,
      handler,
      Math.max(1, opts.concurrency),
      () => this.takeReady(),
      (job, outcome) => this.settle(job, outcome),
    )
    this.worker.pump()
    return this.worker
  }

  /** Backlog per state, as BullMQ's getJobCounts (failed: jobs failed for good since start). */
  async getJobCounts(...states: string[]): Promise<Record<string, number>> {
    const all: Record<string, number> = {
      waiting: this.ready.length,
      active: this.worker?.active ?? 0,
      delayed: this.delayed.size,
      failed: this.failedTotal,
    }
    return Object.fromEntries((states.length ? states : Object.keys(all)).map((s) => [s, all[s] ?? 0]))
  }

  /** Stops the schedulers and the worker (running jobs finish first); jobs not started are dropped. */
  async close(): Promise<void> {
    this.closed = true
    for (const id of [...this.schedulers.keys()]) this.removeJobScheduler(id)
    for (const t of this.delayed.values()) clearTimeout(t)
    this.delayed.clear()
    this.ready.length = 0
    await this.worker?.close()
  }

  private enqueue(name: string, data: unknown, opts: JobOptions): LocalJob | undefined {
    if (this.closed) throw new Error(`queue ${this.name} is closed`)
    if (opts.jobId !== undefined && this.isKnown(opts.jobId)) return undefined
    const dedupId = opts.deduplication?.id
    if (dedupId !== undefined && this.dedup.has(dedupId)) return undefined
    this.seq += 1
    const job: LocalJob = {
      id: opts.jobId ?? `local:${this.seq}`,
      name,
      // the same copy semantics as a payload stored in Redis
      data: JSON.parse(JSON.stringify(data ?? {})),
      opts: { ...opts },
      timestamp: opts.timestamp ?? this.now(),
      attemptsStarted: 0,
      attemptsMade: 0,
    }
    this.pending.add(job.id)
    if (dedupId !== undefined) this.dedup.add(dedupId)
    this.schedule(job, opts.delay ?? 0)
    return job
  }

  private schedule(job: LocalJob, delayMs: number): void {
    if (this.closed) {
      this.forget(job)
    } else if (delayMs <= 0) {
      this.ready.push(job)
      this.worker?.pump()
    } else {
      this.delayed.set(
        job,
        unrefTimer(() => {
          this.delayed.delete(job)
          this.schedule(job, 0)
        }, delayMs),
      )
    }
  }

  private takeReady(): LocalJob | undefined {
    return this.closed ? undefined : this.ready.shift()
  }

  private settle(job: LocalJob, outcome: { ok: true } | { ok: false; err: unknown }): void {
    if (outcome.ok) {
      this.keep(this.keptCompleted, job.id, job.opts.removeOnComplete)
      this.forget(job)
      return
    }
    if (outcome.err instanceof DeferJob) {
      this.schedule(job, outcome.err.delayMs)
      return
    }
    job.attemptsMade += 1
    if (!(outcome.err instanceof UnrecoverableError) && job.attemptsMade < (job.opts.attempts ?? 1)) {
      this.schedule(job, backoffMs(job.opts.backoff, job.attemptsMade))
      return
    }
    this.failedTotal += 1
    this.keep(this.keptFailed, job.id, job.opts.removeOnFail)
    this.forget(job)
  }

  private forget(job: LocalJob): void {
    this.pending.delete(job.id)
    if (job.opts.deduplication) this.dedup.delete(job.opts.deduplication.id)
  }

  private isKnown(id: string): boolean {
    if (this.pending.has(id)) return true
    const t = this.now()
    return [this.keptCompleted, this.keptFailed].some((kept) => (kept.get(id) ?? 0) > t)
  }

  /** Remembers a finished job's id as BullMQ keeps a finished job: for `age` seconds, the last `count`, or not at all. */
  private keep(kept: Kept, id: string, rule: KeepJobs | undefined): void {
    const { ageMs, count } = keepRule(rule)
    const t = this.now()
    // ages are the same for every job of a queue in our use, so the oldest entries expire first
    for (const [k, until] of kept) {
      if (until > t) break
      kept.delete(k)
    }
    if (count === 0) return
    kept.delete(id)
    kept.set(id, ageMs === undefined ? Number.POSITIVE_INFINITY : t + ageMs)
    while (kept.size > count) kept.delete(kept.keys().next().value as string)
  }
}

/** Runs one queue's jobs with a concurrency cap; close() stops taking jobs and waits for the running ones. */
export class LocalWorker {
  active = 0
  private readonly running = new Set<Promise<void>>()
  private readonly listeners = { completed: [] as Listener[], failed: [] as Listener[], error: [] as Listener[] }
  private closing = false

  constructor(
    readonly name: string,
    private readonly handler: JobHandler,
    private readonly concurrency: number,
    private readonly take: () => LocalJob | undefined,
    private readonly settle: (job: LocalJob, outcome: { ok: true } | { ok: false; err: unknown }) => void,
  ) {}

  /** 'completed' (job, result) and 'failed' (job, err) after each failed attempt, as BullMQ's Worker emits them. */
  on(event: 'completed' | 'failed' | 'error', listener: Listener): this {
    this.listeners[event].push(listener)
    return this
  }

  pump(): void {
    while (!this.closing && this.active < this.concurrency) {
      const job = this.take()
      if (!job) return
      this.active += 1
      const run = this.run(job).finally(() => {
        this.active -= 1
        this.running.delete(run)
        this.pump()
      })
      this.running.add(run)
    }
  }

  async close(): Promise<void> {
    this.closing = true
    while (this.running.size > 0) await Promise.all(this.running)
  }

  private async run(job: LocalJob): Promise<void> {
    job.attemptsStarted += 1
    try {
      const result = await this.handler(job)
      this.settle(job, { ok: true })
      for (const l of this.listeners.completed) l(job, result)
    } catch (err) {
      this.settle(job, { ok: false, err })
      if (!(err instanceof DeferJob)) for (const l of this.listeners.failed) l(job, err)
    }
  }
}

/** BullMQ's backoff: exponential is delay · 2^(attempts made − 1), fixed is delay. */
function backoffMs(backoff: JobOptions['backoff'], attemptsMade: number): number {
  if (!backoff) return 0
  return backoff.type === 'fixed' ? backoff.delay : Math.round(2 ** (attemptsMade - 1) * backoff.delay)
}

function keepRule(rule: KeepJobs | undefined): { ageMs?: number; count: number } {
  if (rule === true) return { count: 0 }
  if (rule === undefined || rule === false) return { count: MAX_KEPT_IDS }
  if (typeof rule === 'number') return { count: rule }
  return { ageMs: rule.age === undefined ? undefined : rule.age * 1000, count: rule.count ?? MAX_KEPT_IDS }
}

function unrefTimer(fn: () => void, ms: number): NodeJS.Timeout {
  const t = setTimeout(fn, Math.max(0, ms))
  t.unref()
  return t
}
