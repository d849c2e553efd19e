import { LRUCache } from 'lru-cache'
import type { LinkAnswer } from './link-answer.js'

export type LocalCache = {
  get(code: string): LinkAnswer | undefined
  set(code: string, answer: LinkAnswer): void
  delete(code: string): void
  clear(): void
}

const OFF: LocalCache = { get: () => undefined, set: () => {}, delete: () => {}, clear: () => {} }

/**
 * The in-process layer: a bounded LRU with a short TTL, so memory stays flat under a scan of random codes and a
 * missed invalidation message (subscriber reconnecting) is healed by the TTL. `max` 0 or `ttlMs` 0 turns it off.
 * Negative answers live no longer than `negativeTtlMs`.
 */
export function createLocalCache(max: number, ttlMs: number, negativeTtlMs: number): LocalCache {
  if (max <= 0 || ttlMs <= 0) return OFF
  const lru = new LRUCache<string, LinkAnswer>({ max, ttl: ttlMs, ttlAutopurge: false, updateAgeOnGet: false })
  const missingTtl = Math.min(ttlMs, negativeTtlMs)
  return {
    get: (code) => lru.get(code),
    set: (code, answer) => {
      lru.set(code, answer, answer.kind === 'missing' ? { ttl: missingTtl } : undefined)
    },
    delete: (code) => {
      lru.delete(code)
    },
    clear: () => lru.clear(),
  }
}
