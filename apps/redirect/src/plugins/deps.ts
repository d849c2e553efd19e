import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import type { ClickLimiter, LinkLookup } from '@ghostlink/links'
import type { RedirectMetrics } from '@ghostlink/metrics'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import type { ClickPipeline } from '@ghostlink/clicks'

/**
 * What the redirect routes need. The Redis client is decorated here rather than by @fastify/redis, which holds
 * start-up until Redis is ready: the redirect tier must start and serve with Redis down (docs/decisions/rewrite-decisions.md#d-3).
 */
export type RedirectDeps = {
  config: Config
  db: Db
  /** undefined: no Redis by configuration (one process, openLocalDeps); /health reports it `disabled` */
  redis: Redis | undefined
  lookup: LinkLookup
  /** max_clicks (issue 14) */
  clickLimiter: ClickLimiter
  clicks: Pick<ClickPipeline, 'record' | 'refreshDepth'>
  metrics: RedirectMetrics
}

declare module 'fastify' {
  // declaration merging: the decorators depsPlugin adds, typed once. The metrics are `redirectMetrics` and Redis is
  // typed as the API types it, because both tiers' declarations compile together in the one-process entry
  // (apps/standalone), where each property must have one type.
  interface FastifyInstance extends Omit<RedirectDeps, 'metrics' | 'redis'> {
    redirectMetrics: RedirectMetrics
    redis: Redis | undefined
  }
}

export const depsPlugin = fp(
  async (app: FastifyInstance, deps: RedirectDeps) => {
    app.decorate('config', deps.config)
    app.decorate('db', deps.db)
    app.decorate('redis', deps.redis)
    app.decorate('lookup', deps.lookup)
    app.decorate('clickLimiter', deps.clickLimiter)
    app.decorate('clicks', deps.clicks)
    app.decorate('redirectMetrics', deps.metrics)
  },
  { name: 'deps' },
)
