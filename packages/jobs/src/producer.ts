/** How long a finished job's id is kept (blocking a second add with that id): BullMQ's removeOnComplete/removeOnFail. */
export type KeepJobs = boolean | number | { age: number; count?: number } | { age?: number; count: number }

/** The job options our enqueueX functions set: the part of BullMQ's JobsOptions the local queue honours too. */
export type JobOptions = {
  /** Idempotency key: a second add with the same id while the first is kept adds nothing. */
  jobId?: string
  attempts?: number
  backoff?: { type: 'exponential' | 'fixed'; delay: number }
  /** Run no earlier than this many ms from now. */
  delay?: number
  /** While a job with this deduplication id is waiting, delayed or running, another add with it adds nothing. */
  deduplication?: { id: string }
  removeOnComplete?: KeepJobs
  removeOnFail?: KeepJobs
  timestamp?: number
}

/**
 * What a producer needs from a queue: BullMQ's Queue and the in-process LocalQueue both fit, so every enqueueX works
 * on either and the API's producers can be local (one process without Redis).
 */
export interface JobProducer {
  readonly name: string
  add(name: string, data: unknown, opts?: JobOptions): Promise<unknown>
  addBulk(jobs: Array<{ name: string; data: unknown; opts?: JobOptions }>): Promise<unknown>
  /** A repeating job every `every` ms; the first one is added at once. Replaces a scheduler of the same id. */
  upsertJobScheduler(id: string, repeat: { every: number }, template: { name: string; data: unknown }): Promise<unknown>
}

/** What a job handler reads of a job: a BullMQ Job fits, and so does a LocalQueue's. */
export type JobView = {
  id?: string
  name: string
  data: unknown
  /** when the job was added (a scheduler tick: its slot) */
  timestamp: number
  /** how many times a run of the job began, this one included (deferrals count, as in BullMQ) */
  attemptsStarted: number
  opts: { delay?: number }
}

export type JobHandler = (job: JobView) => Promise<unknown>

/**
 * Thrown by a handler to hand its job back for later without spending an attempt (the prober does this when a
 * probe's host is busy). The BullMQ adapter turns it into moveToDelayed + DelayedError; the local queue re-delays.
 */
export class DeferJob extends Error {
  constructor(readonly delayMs: number) {
    super(`deferred for ${delayMs} ms`)
    this.name = 'DeferJob'
  }
}
