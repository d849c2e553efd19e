import type { Config } from '@ghostlink/config'
import { closeDb, createDb, type Db } from '@ghostlink/db'
import { createClickLimiter, createLinkLookup } from '@ghostlink/links'
import { createBlockingRedis, createRedis } from '@ghostlink/redis'
import { createRedirectMetrics } from '@ghostlink/metrics'
import type { FastifyBaseLogger } from 'fastify'
import type { RedirectAppOptions } from './app.js'
import { createClickPipeline } from '@ghostlink/clicks'

export type OpenedDeps = RedirectAppOptions & {
  /** Flushes clicks, then closes every connection; call after app.close(). */
  close(): Promise<void>
}

/**
 * Opens the connections the redirect tier needs and wires lookup, click pipeline and metrics. Used by server.ts
 * and by the tests, so both run the same wiring (it would usually sit in server.ts; shared here to test it).
 */
export async function openDeps(
  config: Config,
  log: FastifyBaseLogger,
  // db: a pool shared with the rest of a process (apps/standalone); left open by close()
  overrides: { claimIdleMs?: number; db?: Db } = {},
): Promise<OpenedDeps> {
  const db = overrides.db ?? createDb(config.databaseUrl, config.DATABASE_POOL_MAX)
  const redis = createRedis(config.REDIS_URL, 'ghostlink-redirect')
  const subscriber = createBlockingRedis(config.REDIS_URL, 'ghostlink-redirect-sub')
  const consumerRedis = createBlockingRedis(config.REDIS_URL, 'ghostlink-redirect-clicks')
  // they reconnect in the background; /health reports the state and the pipeline logs its own failures
  for (const r of [redis, subscriber, consumerRedis]) r.on('error', () => {})

  const metrics = createRedirectMetrics(config.release, config.flags)
  // children bound once: this runs on every redirect, label hashing per call would cost more than the lookup
  const layerCounter = (layer: 'local' | 'redis') => ({
    hit: metrics.cacheLookups.labels({ layer, result: 'hit' }),
    miss: metrics.cacheLookups.labels({ layer, result: 'miss' }),
  })
  const layerCounters = { local: layerCounter('local'), redis: layerCounter('redis') }
  const lookup = createLinkLookup({
    db,
    redis,
    prefix: config.REDIS_PREFIX,
    localMax: config.LOCAL_CACHE_MAX,
    localTtlMs: config.LOCAL_CACHE_TTL_MS,
    redisTtlSeconds: config.CACHE_TTL_SECONDS,
    negativeTtlSeconds: config.NEGATIVE_CACHE_TTL_SECONDS,
    onLayer: (layer, hit) => {
      if (layer === 'db') metrics.dbLookups.inc()
      else layerCounters[layer][hit ? 'hit' : 'miss'].inc()
    },
  })
  // subscribe() waits for a connection (offline queue): do not hold start-up hostage to Redis
  lookup.listen(subscriber).catch((err) => log.warn({ err }, 'invalidation subscription failed'))
  const clicks = createClickPipeline({ config, db, redis, consumerRedis, metrics, log, claimIdleMs: overrides.claimIdleMs })

  const clickLimiter = createClickLimiter({ db, redis, prefix: config.REDIS_PREFIX })

  return {
    config,
    db,
    redis,
    lookup,
    clickLimiter,
    clicks,
    metrics,
    async close() {
      await clicks.close()
      await lookup.close()
      subscriber.disconnect()
      redis.disconnect()
      if (!overrides.db) await closeDb(db)
    },
  }
}
