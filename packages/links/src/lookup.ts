import type { Db } from '@ghostlink/db'
import type { Redis } from 'ioredis'
import { fetchLinkAnswer } from './fetch-link-answer.js'
import { type InvalidationSubscription, type LinkInvalidation, redisKeys } from '@ghostlink/redis'
import { decodeLinkAnswer, type LinkAnswer } from './link-answer.js'
import { createLocalCache } from './local-cache.js'

export type LinkLookupOptions = {
  db: Db
  redis?: Redis
  /** REDIS_PREFIX */
  prefix: string
  /** In-process LRU size and TTL (0 = off). */
  localMax: number
  localTtlMs: number
  redisTtlSeconds: number
  negativeTtlSeconds: number
  /** Metrics hook: one call per layer consulted. For 'db', hit means the code has a link. */
  onLayer?: (layer: 'local' | 'redis' | 'db', hit: boolean) => void
}

export type LinkLookup = {
  lookup(code: string): Promise<LinkAnswer>
  /** The in-process copy only, without waiting (undefined on a local miss): lets a hot caller answer synchronously. */
  cached(code: string): LinkAnswer | undefined
  /**
   * Follows invalidations (Redis pub/sub or the in-process bus): each one drops that code's local copy. Resolves once
   * subscribed (with Redis: once connected).
   */
  listen(invalidation: LinkInvalidation): Promise<void>
  close(): Promise<void>
}

/** A miss being resolved. `invalidated` is set when an invalidation for the code arrives meanwhile. */
type Flight = { promise: Promise<LinkAnswer>; invalidated: boolean }

/**
 * Short code → answer through in-process LRU → Redis → Postgres (docs/decisions/rewrite-decisions.md#d-3). Concurrent misses for one
 * code share one resolution (one DB query in flight per code). Redis errors never fail a lookup: they fall through
 * to Postgres (docs/CONTRACT.md#c-7: the cache fails open). Used by the redirect tier and by the API's GET /urls/<code>.
 * Without `redis` (one process, no Redis configured) it is in-process LRU → Postgres, kept fresh by the in-process
 * invalidation bus (`listen`).
 */
export function createLinkLookup(opts: LinkLookupOptions): LinkLookup {
  const keys = redisKeys(opts.prefix)
  const local = createLocalCache(opts.localMax, opts.localTtlMs, opts.negativeTtlSeconds * 1000)
  const localOn = opts.localMax > 0 && opts.localTtlMs > 0
  const inflight = new Map<string, Flight>()
  const pendingWrites = new Set<Promise<void>>()
  let subscription: InvalidationSubscription | undefined

  const redisReady = () => opts.redis !== undefined && opts.redis.status === 'ready'

  function drop(code: string): void {
    local.delete(code)
    const flight = inflight.get(code)
    if (flight) {
      flight.invalidated = true
      inflight.delete(code)
    }
  }

  // reset: messages published while the subscriber was disconnected are lost, so start from a clean local cache
  const listener = { drop, reset: () => local.clear() }

  async function readRedis(code: string): Promise<LinkAnswer | undefined> {
    if (!redisReady()) return undefined
    try {
      const answer = decodeLinkAnswer(await opts.redis!.get(keys.link(code)))
      opts.onLayer?.('redis', answer !== undefined)
      return answer
    } catch {
      return undefined
    }
  }

  async function writeRedis(code: string, answer: LinkAnswer, flight: Flight): Promise<void> {
    if (!redisReady() || flight.invalidated) return
    const ttl = answer.kind === 'missing' ? opts.negativeTtlSeconds : opts.redisTtlSeconds
    try {
      await opts.redis!.set(keys.link(code), JSON.stringify(answer), 'EX', ttl)
      // The row we read may predate a change whose DEL reached Redis before our SET: delete what we wrote.
      if (flight.invalidated) await opts.redis!.del(keys.link(code))
    } catch {
      // best effort: the next lookup reads Postgres again
    }
  }

  function endFlight(code: string, flight: Flight): void {
    if (inflight.get(code) === flight) inflight.delete(code)
  }

  async function resolve(code: string, flight: Flight): Promise<LinkAnswer> {
    try {
      const fromRedis = await readRedis(code)
      if (fromRedis) {
        if (!flight.invalidated) local.set(code, fromRedis)
        endFlight(code, flight)
        return fromRedis
      }
      const answer = await fetchLinkAnswer(opts.db, code)
      opts.onLayer?.('db', answer.kind === 'found')
      if (!flight.invalidated) local.set(code, answer)
      // The flight stays open until the Redis write is done, so later misses don't query Postgres again meanwhile.
      const write = writeRedis(code, answer, flight).finally(() => {
        pendingWrites.delete(write)
        endFlight(code, flight)
      })
      pendingWrites.add(write)
      return answer
    } catch (err) {
      endFlight(code, flight)
      throw err
    }
  }

  function cached(code: string): LinkAnswer | undefined {
    const hit = local.get(code)
    if (hit) opts.onLayer?.('local', true)
    return hit
  }

  function lookup(code: string): Promise<LinkAnswer> {
    const hit = cached(code)
    if (hit) return Promise.resolve(hit)
    if (localOn) opts.onLayer?.('local', false)
    const existing = inflight.get(code)
    if (existing) return existing.promise
    const flight = { invalidated: false } as Flight
    inflight.set(code, flight)
    flight.promise = resolve(code, flight)
    return flight.promise
  }

  return {
    lookup,
    cached,
    async listen(invalidation) {
      subscription = invalidation.subscribe(listener)
      await subscription.subscribed
    },
    async close() {
      await Promise.allSettled([...pendingWrites])
      await subscription?.stop()
      subscription = undefined
      inflight.clear()
      local.clear()
    },
  }
}
