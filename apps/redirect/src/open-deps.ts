import type { Config } from '@ghostlink/config'
import { closeDb, createDb, type Db } from '@ghostlink/db'
import { createClickLimiter, createLinkLookup } from '@ghostlink/links'
import { createBlockingRedis, createRedis, type LinkInvalidation, localInvalidation, redisInvalidation } from '@ghostlink/redis'
import { createRedirectMetrics } from '@ghostlink/metrics'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { RedirectAppOptions } from './app.js'
import { createClickPipeline } from '@ghostlink/clicks'
import { createEdgeRefreshSender } from './edge-refresh/refresh-sender.js'

export type OpenedDeps = RedirectAppOptions & {
  /** How this tier learns of link changes; one process without Redis hands the same bus to the API. */
  invalidation: LinkInvalidation
  /** Flushes clicks, then closes every connection; call after app.close(). */
  close(): Promise<void>
}

/** The Redis connections of the platform's redirect tier. */
type RedisClients = { redis: Redis; subscriber: Redis; consumerRedis: Redis }

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
  const clients: RedisClients = {
    redis: createRedis(config.REDIS_URL, 'ghostlink-redirect'),
    subscriber: createBlockingRedis(config.REDIS_URL, 'ghostlink-redirect-sub'),
    consumerRedis: createBlockingRedis(config.REDIS_URL, 'ghostlink-redirect-clicks'),
  }
  // they reconnect in the background; /health reports the state and the pipeline logs its own failures
  for (const r of Object.values(clients)) r.on('error', () => {})
  const invalidation = redisInvalidation({ redis: clients.redis, subscriber: clients.subscriber, prefix: config.REDIS_PREFIX })
  return wire(config, log, overrides.db, clients, invalidation, overrides.claimIdleMs)
}

/**
 * The same tier with no Redis at all, for one process (docs/ARCHITECTURE.md#without-redis-one-process): no client
 * is created, nothing connects to Redis. Lookups are in-process LRU → Postgres, kept fresh by `invalidation` (pass
 * the bus the API of the same process publishes on; a new one by default), clicks go to the batched writer
 * directly and close() flushes them, `max_clicks` is counted in Postgres. `db`: a pool shared with the rest of the
 * process, left open by close().
 */
export async function openLocalDeps(
  config: Config,
  log: FastifyBaseLogger,
  opts: { invalidation?: LinkInvalidation; db?: Db } = {},
): Promise<OpenedDeps> {
  return wire(config, log, opts.db, undefined, opts.invalidation ?? localInvalidation(), undefined)
}

async function wire(
  config: Config,
  log: FastifyBaseLogger,
  sharedDb: Db | undefined,
  clients: RedisClients | undefined,
  invalidation: LinkInvalidation,
  claimIdleMs: number | undefined,
): Promise<OpenedDeps> {
  const db = sharedDb ?? createDb(config.databaseUrl, config.DATABASE_POOL_MAX)
  const redis = clients?.redis
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
  // with Redis, subscribing waits for a connection (offline queue): do not hold start-up hostage to Redis
  lookup.listen(invalidation).catch((err) => log.warn({ err }, 'invalidation subscription failed'))
  // the edge refresh (EDGE_REFRESH_URL): the same invalidations also refresh the edge's cached answers for the code
  const edgeRefresh =
    config.EDGE_REFRESH_URL === ''
      ? undefined
      : createEdgeRefreshSender({ baseUrl: config.EDGE_REFRESH_URL, log, refreshes: metrics.edgeRefreshes })
  const edgeRefreshSubscription = edgeRefresh && invalidation.subscribe(edgeRefresh.listener)
  edgeRefreshSubscription?.subscribed.catch((err) => log.warn({ err }, 'edge refresh subscription failed'))
  const clicks = createClickPipeline({ config, db, redis, consumerRedis: clients?.consumerRedis, metrics, log, claimIdleMs })

  const clickLimiter = createClickLimiter({ db, redis, prefix: config.REDIS_PREFIX })

  return {
    config,
    db,
    redis,
    lookup,
    clickLimiter,
    clicks,
    metrics,
    invalidation,
    async close() {
      await edgeRefreshSubscription?.stop()
      await edgeRefresh?.close()
      await clicks.close()
      await lookup.close()
      clients?.subscriber.disconnect()
      redis?.disconnect()
      if (!sharedDb) await closeDb(db)
    },
  }
}
