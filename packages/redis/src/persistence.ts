import type { Redis } from 'ioredis'

export type RedisPersistence = { aof: boolean; fsync: string | null; rdb: boolean } | 'unknown'

/**
 * How the Redis server persists: the click stream and the job schedulers live only there, so a server without AOF
 * loses every click waiting in the stream on a restart (docs/RELIABILITY.md). 'unknown' when CONFIG is not
 * allowed (managed services often rename it).
 */
export async function redisPersistence(redis: Redis): Promise<RedisPersistence> {
  try {
    const aof = (await redis.config('GET', 'appendonly')) as string[]
    const fsync = (await redis.config('GET', 'appendfsync')) as string[]
    const save = (await redis.config('GET', 'save')) as string[]
    return { aof: aof[1] === 'yes', fsync: fsync[1] ?? null, rdb: (save[1] ?? '') !== '' }
  } catch {
    return 'unknown'
  }
}

/** A warning line when Redis would lose the click stream on a restart, else undefined. */
export function persistenceWarning(p: RedisPersistence): string | undefined {
  if (p === 'unknown') return undefined
  if (!p.aof) {
    return 'Redis runs without AOF (appendonly no): a restart loses every click still in the stream and every job scheduler; see docs/RELIABILITY.md'
  }
  if (p.fsync === 'no') return 'Redis AOF with appendfsync no: a crash can lose up to ~30 s of clicks; see docs/RELIABILITY.md'
  return undefined
}
