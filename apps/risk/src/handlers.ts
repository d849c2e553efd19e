import { runClickRetention } from '@ghostlink/clicks'
import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import {
  ClickRetentionJob,
  enqueueQuarantineSync,
  enqueueRisk,
  JOB_NAMES,
  type JobProducer,
  type JobView,
  QuarantineSyncJob,
  RiskJob,
  RiskSweepJob,
} from '@ghostlink/jobs'
import type { RiskMetrics } from '@ghostlink/metrics'
import { sharedReloadCoalescer, syncQuarantineMap } from '@ghostlink/quarantine'
import { parseJob as parse } from '@ghostlink/worker-kit'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { scoreUrl } from './jobs/score-url.js'
import { sweepRisk } from './jobs/sweep-risk.js'

export type RiskHandlerDeps = {
  config: Config
  db: Db
  /** the risk cache and the redirect tier's invalidation; absent in one process without Redis */
  redis?: Redis
  logger: FastifyBaseLogger
  metrics: RiskMetrics
  /** QUEUES.risk: the sweep adds its score jobs here */
  riskQueue: JobProducer
  /** QUEUES.quarantine: an automatic quarantine asks for a map sync */
  quarantineQueue: JobProducer
  /** Records a schedule's tick (the schedule keeper of the transport in use). */
  fired: (scheduleId: string) => Promise<void>
}

/** The risk sweep's schedule, when scoring is on. */
export const riskSchedules = <Q>(config: Config, queue: Q) =>
  config.flags.ENABLE_RISK_SCORING ? [{ queue, id: 'risk-sweep', everyMs: config.RISK_SCHEDULE_SECONDS * 1000 }] : []

/**
 * Renders the quarantine map now (the sync job, and every copy's periodic re-sync); `reloader.flush()` on shutdown
 * applies a reload still pending.
 */
export function createMapSync(deps: Pick<RiskHandlerDeps, 'config' | 'db' | 'redis' | 'logger'>) {
  const { config, logger } = deps
  // at most one nginx reload per 5 s however many quarantine changes arrive (issue 13); a late one's failure is logged
  const reloader = sharedReloadCoalescer(config.NGINX_RELOAD_CMD, {
    onLateResult: (reload) => {
      if (reload.ran && !reload.ok) logger.error({ reload }, 'nginx reload command failed')
    },
  })
  const syncDeps = {
    reloader,
    db: deps.db,
    redis: deps.redis,
    prefix: config.REDIS_PREFIX,
    mapFile: config.QUARANTINE_MAP_FILE,
    reloadCommand: config.NGINX_RELOAD_CMD,
  }
  const syncMap = async (reason: string) => {
    const result = await syncQuarantineMap(syncDeps)
    if (result.written)
      logger.info(
        { reason, codes: result.codes, added: result.added, removed: result.removed, reload: result.reload },
        'quarantine map written',
      )
    if (result.reload.ran && !result.reload.ok) logger.error({ reload: result.reload }, 'nginx reload command failed')
    return result
  }
  return { syncMap, reloader }
}

/** The risk and quarantine-sync job handlers, free of any transport: BullMQ (worker.ts) and the local queue (local-worker.ts) run them. */
export function riskHandlers(deps: RiskHandlerDeps, syncMap: (reason: string) => Promise<unknown>) {
  const { config, db, logger, metrics } = deps
  const interval = config.RISK_SCHEDULE_SECONDS
  return {
    async risk(job: JobView) {
      if (job.name === JOB_NAMES.sweep) {
        parse(RiskSweepJob, job)
        await deps.fired('risk-sweep').catch((err) => logger.warn({ err }, 'could not record the sweep'))
        return sweepRisk(job.timestamp + (job.opts.delay ?? 0), {
          db,
          intervalSeconds: interval,
          addJobs: (jobs) =>
            enqueueRisk(
              deps.riskQueue,
              jobs.map((j) => ({ url_id: j.url_id, reason: 'schedule', jobId: j.jobId })),
              interval,
            ),
        })
      }
      const data = parse(RiskJob, job)
      return scoreUrl(data, {
        db,
        redis: deps.redis,
        prefix: config.REDIS_PREFIX,
        enabled: config.flags.ENABLE_RISK_SCORING,
        autoBlocking: config.flags.ENABLE_AUTO_BLOCKING,
        metrics,
        onQuarantined: async (code) => {
          logger.warn({ short_code: code, url_id: data.url_id }, 'THREAT link quarantined automatically')
          await enqueueQuarantineSync(deps.quarantineQueue, `auto ${code}`)
        },
      })
    },

    async quarantine(job: JobView) {
      const data = parse(QuarantineSyncJob, job)
      return syncMap(data.reason)
    },
  }
}

/** The click-retention tick's handler (runClickRetention, packages/clicks/src/retention) with the configured ages. */
export function retentionHandler(deps: {
  config: Pick<Config, 'CLICK_RETENTION_DAYS' | 'IP_ANONYMIZE_AFTER_DAYS'>
  db: Db
  logger: FastifyBaseLogger
}) {
  return async (job: JobView) => {
    parse(ClickRetentionJob, job)
    const report = await runClickRetention(deps.db, {
      retentionDays: deps.config.CLICK_RETENTION_DAYS,
      anonymizeAfterDays: deps.config.IP_ANONYMIZE_AFTER_DAYS,
    })
    deps.logger.info(report, 'click retention done')
    return report
  }
}
