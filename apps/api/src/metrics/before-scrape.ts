import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import type { ApiMetrics } from '@ghostlink/metrics'
import type { FastifyBaseLogger } from 'fastify'
import { readRollbackState, setRollbackGauges } from './rollback-state.js'
import { createUrlGaugeRefresher } from './url-gauges.js'

/**
 * The API's `beforeScrape`: URL gauges (memoised, see url-gauges.ts) and the rollback gauges from
 * ROLLBACK_STATE_FILE (a small file, re-read each scrape as the original did, docs/CONTRACT.md#c-8-4). A database outage leaves
 * the last gauge values in place rather than failing the scrape.
 */
export function createApiBeforeScrape(deps: { db: Db; config: Config; metrics: ApiMetrics; log: FastifyBaseLogger }) {
  const refreshUrlGauges = createUrlGaugeRefresher(deps.db, { active: deps.metrics.urlsActive, inactive: deps.metrics.urlsInactive })
  return async function beforeScrape(): Promise<void> {
    const [urlsResult, rollback] = await Promise.allSettled([refreshUrlGauges(), readRollbackState(deps.config.ROLLBACK_STATE_FILE)])
    if (urlsResult.status === 'rejected') deps.log.warn({ err: urlsResult.reason }, 'url gauges not refreshed')
    if (rollback.status === 'fulfilled') setRollbackGauges(deps.metrics, rollback.value)
  }
}
