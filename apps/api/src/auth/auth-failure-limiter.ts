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
 * 256-bit keys are not guessable anyway, this keeps the noise down). Fails open while Redis is away.
 */
export function createAuthFailureLimiter(opts: { redis: Redis | undefined; prefix: string; maxPerMinute: number }): AuthFailureLimiter {
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
