import type { Redis } from 'ioredis'

/** True when the client is connected; commands on a client that is not fail at once (no offline queue). */
export function isReady(redis: Redis | undefined): redis is Redis {
  return redis?.status === 'ready'
}

/**
 * Runs a cache operation only when Redis is connected, and swallows its failure: Redis is a cache here, so its
 * absence never fails a request (docs/CONTRACT.md#c-10-3, fail open for cache). Returns undefined when skipped or failed.
 */
export async function bestEffort<T>(redis: Redis | undefined, op: (r: Redis) => Promise<T>): Promise<T | undefined> {
  if (!isReady(redis)) return undefined
  try {
    return await op(redis)
  } catch {
    return undefined
  }
}
