import type { JobOptions, JobProducer } from './producer.js'
import { QuarantineSyncJob, type RiskJob, RiskJob as RiskJobSchema } from './queues.js'

/**
 * One home per job: its name, payload check and retry policy live beside the one function every producer calls
 * (the API, the prober, the sweeps). Workers dispatch on these names.
 */
export const JOB_NAMES = {
  /** QUEUES.risk: score one URL. */
  score: 'score',
  /** QUEUES.linkHealth: probe one URL. */
  probe: 'probe',
  /** Scheduler ticks on every queue that fans out. */
  sweep: 'sweep',
  /** QUEUES.quarantine: re-render the quarantine map. */
  sync: 'sync',
  /** QUEUES.canary: run every canary. */
  canary: 'run',
} as const

const retry = { attempts: 3, backoff: { type: 'exponential', delay: 1_000 } } satisfies JobOptions

export type RiskJobRequest = RiskJob & {
  /** Idempotency key: a second add with the same id while the first is kept adds nothing (sweep ticks). */
  jobId?: string
}

/** Enqueues risk scoring for each URL: 3 attempts, exponential backoff; completed ids kept `keepSeconds` (default 1 h). */
export async function enqueueRisk(queue: JobProducer, jobs: RiskJobRequest[], keepSeconds = 3_600): Promise<void> {
  if (jobs.length === 0) return
  await queue.addBulk(
    jobs.map(({ jobId, ...data }) => ({
      name: JOB_NAMES.score,
      data: RiskJobSchema.parse(data),
      opts: { ...retry, jobId, removeOnComplete: { age: keepSeconds }, removeOnFail: { count: 1_000 } },
    })),
  )
}

/** Enqueues a re-render of the quarantine map for the risk worker. */
export async function enqueueQuarantineSync(queue: JobProducer, reason: string): Promise<void> {
  await queue.add(JOB_NAMES.sync, QuarantineSyncJob.parse({ reason: reason.slice(0, 100) }), {
    ...retry,
    removeOnComplete: true,
    removeOnFail: { count: 100 },
  })
}

/**
 * Adds one probe job per URL of a sweep. The jobId carries the tick, so a re-run of the same tick adds nothing
 * (ids are kept for one interval); the deduplication id is per URL, so while a URL's probe from an earlier tick
 * is still waiting, a new tick does not pile a second one behind it.
 */
export async function enqueueProbes(queue: JobProducer, jobs: Array<{ url_id: number; jobId: string }>, intervalSeconds: number): Promise<void> {
  await queue.addBulk(
    jobs.map((j) => ({
      name: JOB_NAMES.probe,
      data: { url_id: j.url_id },
      opts: {
        ...retry,
        backoff: { type: 'exponential', delay: 2_000 },
        jobId: j.jobId,
        deduplication: { id: `probe-${j.url_id}` },
        removeOnComplete: { age: intervalSeconds },
        removeOnFail: { age: 86_400, count: 1_000 },
      },
    })),
  )
}

/** Registers (or replaces) a queue's repeating sweep tick; idempotent, so it is safe to re-assert at any time. */
export async function upsertSweep(queue: JobProducer, schedulerId: string, everyMs: number, name: string = JOB_NAMES.sweep): Promise<void> {
  await queue.upsertJobScheduler(schedulerId, { every: everyMs }, { name, data: { sweep: true } })
}
