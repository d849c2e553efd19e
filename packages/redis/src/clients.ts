import { Redis } from 'ioredis'
import { isReady } from './best-effort.js'

/**
 * A Redis client that never blocks a request on a dead server: no offline queue (commands fail at once while
 * disconnected), one retry per command, and endless background reconnects (docs/decisions/rewrite-decisions.md#d-2: Redis comes back).
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  })
}

/** A client for blocking or subscriber use (BullMQ workers, pub/sub): offline queue on, unlimited retries per command. */
export function createBlockingRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  })
}

/** How /health reports Redis (docs/CONTRACT.md#c-8-1; `disabled`: docs/ARCHITECTURE.md#without-redis-one-process). */
export type RedisStatus = 'ok' | 'error' | 'unavailable' | 'disabled'

/**
 * 'ok' | 'error' (connected but the ping failed) | 'unavailable' (configured, not connected) | 'disabled' (no client:
 * the process runs without Redis by configuration, not an outage).
 */
export async function redisStatus(redis: Redis | undefined, timeoutMs = 1_000): Promise<RedisStatus> {
  if (redis === undefined) return 'disabled'
  if (!isReady(redis)) return 'unavailable'
  let timer: NodeJS.Timeout | undefined
  // a server that stopped answering (but whose socket is still open) would hold the health check indefinitely
  const timeout = new Promise<'error'>((resolve) => {
    timer = setTimeout(() => resolve('error'), timeoutMs)
  })
  const ping = redis.ping().then(
    (r): 'ok' | 'error' => (r === 'PONG' ? 'ok' : 'error'),
    (): 'error' => 'error',
  )
  try {
    return await Promise.race([ping, timeout])
  } finally {
    clearTimeout(timer)
  }
}
