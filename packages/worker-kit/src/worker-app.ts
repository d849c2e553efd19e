import { type Db, pingDb } from '@ghostlink/db'
import { redisStatus } from '@ghostlink/redis'
import { type CommonMetrics, metricsPlugin } from '@ghostlink/metrics'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import type { ScheduleStatus } from './schedule-keeper.js'

export type WorkerAppOptions = {
  service: string
  db: Db
  redis: Redis
  metrics: Pick<CommonMetrics, 'registry' | 'httpRequestDuration'>
  /** Refreshes scrape-time gauges (queue counts, canary rows). */
  beforeScrape?: () => Promise<void>
  /** Scheduled sweeps of this worker: a schedule that has not fired for two intervals makes /health 503. */
  schedules?: () => Promise<ScheduleStatus[]>
}

/** A worker's small HTTP side: /metrics, and /health that is 200 only when Postgres and Redis both answer and no schedule is overdue. */
export const workerApp = fp(
  async (app: FastifyInstance, opts: WorkerAppOptions) => {
    await app.register(metricsPlugin, {
      registry: opts.metrics.registry,
      httpRequestDuration: opts.metrics.httpRequestDuration,
      beforeScrape: opts.beforeScrape,
    })
    // a worker cannot do its job without either dependency, so either one down is a 503
    app.get('/health', async (_req, reply) => {
      const [db, redis, schedules] = await Promise.all([
        pingDb(opts.db).then((ok) => (ok ? 'ok' : 'error')),
        redisStatus(opts.redis),
        opts.schedules?.(),
      ])
      // a worker whose sweeps stopped firing is not doing its job even with both dependencies up (issue 13)
      const ok = db === 'ok' && redis === 'ok' && !schedules?.some((s) => s.stale)
      return reply
        .code(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'degraded', service: opts.service, db, redis, ...(schedules ? { schedules } : {}) })
    })
  },
  { name: 'ghostlink-worker-app' },
)
