import type { Db } from '@ghostlink/db'
import { pingDb } from '@ghostlink/db'
import { contractPlugin } from '@ghostlink/http'
import { metricsPlugin, type RedirectMetrics } from '@ghostlink/metrics'
import { isReady, redisStatus } from '@ghostlink/redis'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'

export type ClickWriterAppOptions = {
  db: Db
  /** The stream consumers' connection: ready means the writer can drain. */
  redis: Redis
  metrics: RedirectMetrics
  appVersion: string
}

/** The click writer's HTTP side: /health, /ready and /metrics on CLICK_WRITER_PORT; the draining runs beside it. */
export const clickWriterApp = fp(
  async (app: FastifyInstance, opts: ClickWriterAppOptions) => {
    await app.register(contractPlugin, { appVersion: opts.appVersion })
    await app.register(metricsPlugin, { registry: opts.metrics.registry, httpRequestDuration: opts.metrics.httpRequestDuration })

    // GET /health — liveness with dependency status (public on this port only; not routed by the edge)
    app.get('/health', async (_req, reply) => {
      const dbOk = await pingDb(opts.db)
      return reply
        .code(dbOk ? 200 : 503)
        .send({ status: dbOk ? 'ok' : 'degraded', db: dbOk ? 'ok' : 'error', redis: await redisStatus(opts.redis) })
    })
    // GET /ready — the writer is useful only with both ends of the pipe up
    app.get('/ready', async (_req, reply) => {
      const ok = (await pingDb(opts.db)) && isReady(opts.redis)
      return reply.code(ok ? 200 : 503).send({ ready: ok })
    })
  },
  { name: 'ghostlink-click-writer' },
)
