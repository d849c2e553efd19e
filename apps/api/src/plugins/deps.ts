import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import type { JobProducer } from '@ghostlink/jobs'
import type { ApiMetrics } from '@ghostlink/metrics'
import { type LinkInvalidation, redisInvalidation } from '@ghostlink/redis'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'

/**
 * What every route may need. Redis and the risk queue are optional: the API works without them (docs/CONTRACT.md#c-7).
 * No `redis` means no Redis by configuration (one process: docs/ARCHITECTURE.md#without-redis-one-process), not an outage.
 */
export type ApiDeps = {
  config: Config
  db: Db
  redis?: Redis
  /**
   * Where link changes are announced (url updates, deletes, quarantine). Default: Redis pub/sub on `redis` (a no-op
   * without it). One process without Redis passes the in-process bus its redirect plugin listens on.
   */
  invalidation?: LinkInvalidation
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
    invalidation: LinkInvalidation
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
    app.decorate('invalidation', deps.invalidation ?? redisInvalidation({ redis: deps.redis, prefix: deps.config.REDIS_PREFIX }))
    app.decorate('metrics', deps.metrics)
    app.decorate('riskQueue', deps.riskQueue)
    app.decorate('quarantineQueue', deps.quarantineQueue)
  },
  { name: 'deps' },
)
