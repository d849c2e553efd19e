import { type Db, pingDb } from '@ghostlink/db'
import { redisStatus } from '@ghostlink/links'
import { metricsPlugin, type RiskMetrics } from '@ghostlink/metrics'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'

export type RiskAppOptions = { db: Db; redis: Redis; metrics: RiskMetrics; beforeScrape?: () => Promise<void> }

/** The risk worker's small HTTP side: /health (db + redis) and /metrics. */
export const riskApp = fp(
  async (app: FastifyInstance, opts: RiskAppOptions) => {
    await app.register(metricsPlugin, {
      registry: opts.metrics.registry,
      httpRequestDuration: opts.metrics.httpRequestDuration,
      beforeScrape: opts.beforeScrape,
    })
    // GET /health — 200 when Postgres and Redis answer, else 503
    app.get('/health', async (_req, reply) => {
      const [db, redis] = await Promise.all([pingDb(opts.db).then((ok) => (ok ? 'ok' : 'error')), redisStatus(opts.redis)])
      const ok = db === 'ok' && redis === 'ok'
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', service: 'risk', db, redis })
    })
  },
  { name: 'ghostlink-risk-app' },
)
