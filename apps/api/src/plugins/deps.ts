import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import type { JobProducer } from '@ghostlink/jobs'
import type { ApiMetrics } from '@ghostlink/metrics'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'

/** What every route may need. Redis and the risk queue are optional: the API works without them (docs/CONTRACT.md#c-7). */
export type ApiDeps = {
  config: Config
  db: Db
  redis?: Redis
  metrics: ApiMetrics
  /**
   * Producer for risk recomputation jobs (a BullMQ Queue, or a LocalQueue in one process without Redis); absent when
   * no worker tier runs (risk is then computed inline).
   */
  riskQueue?: JobProducer
  /** Producer for quarantine map syncs (the risk worker renders the Nginx file); absent → rendered inline. */
  quarantineQueue?: JobProducer
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    db: Db
    redis: Redis | undefined
    metrics: ApiMetrics
    riskQueue: JobProducer | undefined
    quarantineQueue: JobProducer | undefined
  }
}

export const depsPlugin = fp(
  async (app: FastifyInstance, deps: ApiDeps) => {
    app.decorate('config', deps.config)
    app.decorate('db', deps.db)
    app.decorate('redis', deps.redis)
    app.decorate('metrics', deps.metrics)
    app.decorate('riskQueue', deps.riskQueue)
    app.decorate('quarantineQueue', deps.quarantineQueue)
  },
  { name: 'deps' },
)
