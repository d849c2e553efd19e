import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import {
  CanaryJob,
  DeferJob,
  enqueueProbes,
  enqueueRisk,
  JOB_NAMES,
  type JobProducer,
  type JobView,
  LinkHealthJob,
  LinkHealthSweepJob,
} from '@ghostlink/jobs'
import type { ProberMetrics } from '@ghostlink/metrics'
import { parseJob as parse } from '@ghostlink/worker-kit'
import type { FastifyBaseLogger } from 'fastify'
import { refreshCanaryGauges } from './canary/refresh-canary-gauges.js'
import { probeLink } from './jobs/probe-link.js'
import { runCanaries } from './jobs/run-canaries.js'
import { sweepLinks } from './jobs/sweep-links.js'
import type { ProbeDeps } from './probe/probe-url.js'

/** How many times a probe job may be handed back because its host is busy before it queues for a slot. */
const MAX_DEFERRALS = 20

export type ProberHandlerDeps = {
  config: Config
  db: Db
  logger: FastifyBaseLogger
  metrics: ProberMetrics
  probe: ProbeDeps
  /** QUEUES.linkHealth: the sweep adds its probes here */
  linkQueue: JobProducer
  /** QUEUES.risk: every probe asks for a rescore */
  riskQueue: JobProducer
  /** Records a schedule's tick (the schedule keeper of the transport in use). */
  fired: (scheduleId: string) => Promise<void>
}

/** The prober's schedules, on either transport's queues: the link-health sweep, and the canaries when they are on. */
export function proberSchedules<Q>(config: Config, queues: { link: Q; canary: Q }) {
  const schedules: Array<{ queue: Q; id: string; everyMs: number; jobName?: string }> = [
    { queue: queues.link, id: 'link-health-sweep', everyMs: config.PROBE_INTERVAL_SECONDS * 1000 },
  ]
  if (config.flags.ENABLE_CANARY_MONITORING) {
    schedules.push({ queue: queues.canary, id: 'canary-sweep', everyMs: config.CANARY_INTERVAL_SECONDS * 1000, jobName: JOB_NAMES.canary })
  }
  return schedules
}

/** The link-health and canary job handlers, free of any transport: BullMQ (worker.ts) and the local queue (local-worker.ts) run them. */
export function proberHandlers(deps: ProberHandlerDeps) {
  const { config, db, logger, metrics } = deps
  const interval = config.PROBE_INTERVAL_SECONDS
  const rescoreAfterProbe = config.flags.ENABLE_RISK_SCORING
    ? (urlId: number) => enqueueRisk(deps.riskQueue, [{ url_id: urlId, reason: 'health' }])
    : undefined
  const fired = (id: string) => deps.fired(id).catch((err) => logger.warn({ err, schedule: id }, 'could not record the sweep'))

  return {
    async linkHealth(job: JobView) {
      if (job.name === JOB_NAMES.sweep) {
        parse(LinkHealthSweepJob, job)
        await fired('link-health-sweep')
        return sweepLinks(job.timestamp + (job.opts.delay ?? 0), {
          db,
          intervalSeconds: interval,
          addProbeJobs: (jobs) => enqueueProbes(deps.linkQueue, jobs, interval),
        })
      }
      const data = parse(LinkHealthJob, job)
      // a job handed back too often just waits its turn, so a permanently busy host still gets probed
      const deferIfHostBusy = job.attemptsStarted <= MAX_DEFERRALS
      const outcome = await probeLink(data, {
        db,
        probe: deps.probe,
        keep: config.HEALTH_CHECKS_KEEP,
        enqueueRisk: rescoreAfterProbe,
        metrics,
        deferIfHostBusy,
      })
      if ('deferred' in outcome) throw new DeferJob(250 + Math.floor(Math.random() * 750))
      return outcome
    },

    async canary(job: JobView) {
      parse(CanaryJob, job)
      await fired('canary-sweep')
      const results = await runCanaries({ db, baseUrl: config.CANARY_BASE_URL, timeoutMs: config.CANARY_TIMEOUT_MS })
      for (const r of results.filter((x) => !x.ok))
        logger.warn({ canary: r.canary, status: r.status, latency: r.latency_seconds }, 'canary failed')
      await refreshCanaryGauges(db, metrics, config.flags.ENABLE_CANARY_MONITORING)
      return results
    },
  }
}
