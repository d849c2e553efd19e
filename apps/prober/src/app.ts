import type { Db } from '@ghostlink/db'
import { pingDb } from '@ghostlink/db'
import { redisStatus } from '@ghostlink/links'
import { metricsPlugin, type ProberMetrics } from '@ghostlink/metrics'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'

export type ProberAppOptions = {
  db: Db
  redis: Redis
  metrics: ProberMetrics
  /** Refreshes scrape-time gauges (canary rows, queue counts). */
  beforeScrape?: () => Promise<void>
}

/** The prober's small HTTP side: /health (db + redis) and /metrics. */
export const proberApp = fp(
  async (app: FastifyInstance, opts: ProberAppOptions) => {
    await app.register(metricsPlugin, {
      registry: opts.metrics.registry,
      httpRequestDuration: opts.metrics.httpRequestDuration,
      beforeScrape: opts.beforeScrape,
    })
    // GET /health — 200 when Postgres and Redis answer, else 503 (the worker cannot do its job without either)
    app.get('/health', async (_req, reply) => {
      const [db, redis] = await Promise.all([pingDb(opts.db).then((ok) => (ok ? 'ok' : 'error')), redisStatus(opts.redis)])
      const ok = db === 'ok' && redis === 'ok'
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', service: 'prober', db, redis })
    })
  },
  { name: 'ghostlink-prober-app' },
)
