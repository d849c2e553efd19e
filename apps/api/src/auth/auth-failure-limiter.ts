import { bestEffort, redisKeys } from '@ghostlink/redis'
import type { Redis } from 'ioredis'

export type AuthFailureLimiter = {
  /** Seconds until this IP may try again, or 0 when it is under the limit. */
  retryAfter(ip: string): Promise<number>
  recordFailure(ip: string): Promise<void>
}

const WINDOW_MS = 60_000

/**
 * Failed authentications per client IP per minute, counted in Redis so every replica sees them (slows key guessing;
 * 256-bit keys are not guessable anyway, this keeps the noise down). Fails open while Redis is away. Without Redis
 * by configuration (`redis` undefined: one process) they are counted in this process instead.
 */
export function createAuthFailureLimiter(opts: { redis: Redis | undefined; prefix: string; maxPerMinute: number }): AuthFailureLimiter {
  if (opts.redis === undefined) return inMemoryLimiter(opts.maxPerMinute)
  const keys = redisKeys(opts.prefix)
  return {
    async retryAfter(ip) {
      const state = await bestEffort(opts.redis, (r) => r.multi().get(keys.authFailures(ip)).pttl(keys.authFailures(ip)).exec())
      const count = Number(state?.[0]?.[1] ?? 0)
      const ttl = Number(state?.[1]?.[1] ?? -1)
      if (count < opts.maxPerMinute) return 0
      return Math.max(1, Math.ceil((ttl > 0 ? ttl : WINDOW_MS) / 1000))
    },
    async recordFailure(ip) {
      const key = keys.authFailures(ip)
      // NX: the window starts at the first failure and is not pushed back by later ones
      await bestEffort(opts.redis, (r) => r.multi().incr(key).pexpire(key, WINDOW_MS, 'NX').exec())
    },
  }
}

// enough for a scan from many addresses; past it, expired windows are swept, then the oldest dropped
const MAX_TRACKED_IPS = 10_000

/** The same windows in a Map: one per IP, started by its first failure and not pushed back by later ones. */
function inMemoryLimiter(maxPerMinute: number): AuthFailureLimiter {
  const windows = new Map<string, { count: number; until: number }>()
  const current = (ip: string) => {
    const w = windows.get(ip)
    if (w && w.until <= Date.now()) {
      windows.delete(ip)
      return undefined
    }
    return w
  }
  return {
    async retryAfter(ip) {
      const w = current(ip)
      if (!w || w.count < maxPerMinute) return 0
      return Math.max(1, Math.ceil((w.until - Date.now()) / 1000))
    },
    async recordFailure(ip) {
      const w = current(ip)
      if (w) {
        w.count++
        return
      }
      if (windows.size >= MAX_TRACKED_IPS) {
        const now = Date.now()
        for (const [k, v] of windows) if (v.until <= now) windows.delete(k)
        // Map order is insertion order: the oldest window goes first
        if (windows.size >= MAX_TRACKED_IPS) windows.delete(windows.keys().next().value!)
      }
      windows.set(ip, { count: 1, until: Date.now() + WINDOW_MS })
    },
  }
}
