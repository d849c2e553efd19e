import type { Config } from '@ghostlink/config'
import { closeDb, createDb, type Db } from '@ghostlink/db'
import { QUEUES } from '@ghostlink/jobs'
import { createApiMetrics } from '@ghostlink/metrics'
import { createRedis, redisKeys } from '@ghostlink/redis'
import { Queue } from 'bullmq'
import type { ApiDeps } from './plugins/deps.js'

export type OpenedApiDeps = ApiDeps & {
  /** Closes the queues, Redis and (unless it was handed in) the pool; call after app.close(). */
  close(): Promise<void>
}

/**
 * Opens what the API plugin needs: the pool, Redis and the producers of the jobs the worker tier runs. Used by
 * server.ts and by the one-process entry (apps/standalone), which hands in its one shared pool as `db`.
 */
export function openApiDeps(config: Config, overrides: { db?: Db } = {}): OpenedApiDeps {
  const db = overrides.db ?? createDb(config.databaseUrl, config.DATABASE_POOL_MAX)
  const redis = createRedis(config.REDIS_URL, 'ghostlink-api')
  redis.on('error', () => {}) // reconnects in the background; /health reports the state
  // Producers fail fast while Redis is down (no offline queue): callers fall back to doing the work inline.
  const producer = (name: string) => {
    const queue = new Queue(name, {
      connection: { url: config.REDIS_URL, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
      prefix: redisKeys(config.REDIS_PREFIX).bull,
    })
    queue.on('error', () => {})
    return queue
  }
  const riskQueue = producer(QUEUES.risk)
  // the risk worker renders the Nginx quarantine map from these jobs
  const quarantineQueue = producer(QUEUES.quarantine)
  const metrics = createApiMetrics(config.release, config.flags)
  return {
    config,
    db,
    redis,
    metrics,
    riskQueue,
    quarantineQueue,
    async close() {
      await riskQueue.close()
      await quarantineQueue.close()
      redis.disconnect()
      if (!overrides.db) await closeDb(db)
    },
  }
}
