import type { Db } from '@ghostlink/db'
import type { ApiMetrics } from '@ghostlink/metrics'
import type { LinkInvalidation } from '@ghostlink/redis'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { RiskTrigger } from '../url-risk/trigger-risk.js'
import { createRiskTrigger } from '../url-risk/trigger-risk.js'

/** What the URL domain functions need, gathered once per route plugin from the app's decorators. */
export type UrlContext = {
  db: Db
  /** Drops a changed link's cached answers in the redirect tier (Redis pub/sub, or the in-process bus). */
  invalidation: LinkInvalidation
  metrics: Pick<ApiMetrics, 'urlsCreated' | 'urlsDeleted'>
  risk: RiskTrigger
  log: FastifyBaseLogger
}

export function urlContext(app: FastifyInstance): UrlContext {
  return {
    db: app.db,
    invalidation: app.invalidation,
    metrics: app.metrics,
    risk: createRiskTrigger({
      db: app.db,
      redis: app.redis,
      prefix: app.config.REDIS_PREFIX,
      enabled: app.config.flags.ENABLE_RISK_SCORING,
      queue: app.riskQueue,
      log: app.log,
    }),
    log: app.log,
  }
}
