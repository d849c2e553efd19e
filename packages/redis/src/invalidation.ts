import type { Redis } from 'ioredis'
import { invalidateLink } from './invalidate.js'
import { redisKeys } from './keys.js'

/** What a link lookup does with invalidations: drop one code's copy, or everything when messages may have been lost. */
export type InvalidationListener = { drop(code: string): void; reset(): void }

/** A listener's registration: `subscribed` settles once messages flow (Redis: after SUBSCRIBE); `stop` detaches it. */
export type InvalidationSubscription = { subscribed: Promise<void>; stop(): Promise<void> }

/**
 * How a change to a link or to the quarantine list reaches every cached answer (docs/ARCHITECTURE.md "Invalidation").
 * Whoever changes a link calls `invalidate`; every lookup with a local cache `subscribe`s. Two implementations:
 * Redis pub/sub across processes (the platform), and an in-process bus (one process without Redis).
 */
export type LinkInvalidation = {
  invalidate(code: string): Promise<void>
  subscribe(listener: InvalidationListener): InvalidationSubscription
}

/**
 * Redis: `DEL url:<code>` and `PUBLISH links:invalidate <code>` (invalidateLink, best effort), and one subscription
 * on its own connection (`subscriber`, createBlockingRedis; only lookups that subscribe need one), shared by every
 * listener of this object. A reconnect resets the listeners: messages published meanwhile are lost.
 */
export function redisInvalidation(opts: { redis: Redis | undefined; subscriber?: Redis; prefix: string }): LinkInvalidation {
  const channel = redisKeys(opts.prefix).invalidations
  const listeners = new Set<InvalidationListener>()
  let subscribed: Promise<void> | undefined
  const onMessage = (ch: string, message: string) => {
    if (ch === channel) for (const l of listeners) l.drop(message)
  }
  const onReconnect = () => {
    for (const l of listeners) l.reset()
  }
  return {
    invalidate: (code) => invalidateLink(opts.redis, opts.prefix, code),
    subscribe(listener) {
      const sub = opts.subscriber
      if (!sub) throw new Error('redisInvalidation: subscribe needs a subscriber connection')
      listeners.add(listener)
      if (subscribed === undefined) {
        sub.on('message', onMessage)
        // subscribe() waits for a connection (offline queue): the caller decides whether to wait
        subscribed = sub.subscribe(channel).then(() => {
          sub.on('ready', onReconnect)
        })
      }
      return {
        subscribed,
        async stop() {
          if (!listeners.delete(listener) || listeners.size > 0) return
          sub.off('message', onMessage)
          sub.off('ready', onReconnect)
          subscribed = undefined
          if (sub.status === 'ready') await sub.unsubscribe(channel).catch(() => {})
        },
      }
    },
  }
}

/**
 * One process without Redis: `invalidate` calls every listener synchronously before it resolves, so a change made
 * through the API is seen by the redirect plugin of the same process at once. Nothing is shared across processes.
 */
export function localInvalidation(): LinkInvalidation {
  const listeners = new Set<InvalidationListener>()
  return {
    async invalidate(code) {
      for (const l of listeners) l.drop(code)
    },
    subscribe(listener) {
      listeners.add(listener)
      return {
        subscribed: Promise.resolve(),
        async stop() {
          listeners.delete(listener)
        },
      }
    },
  }
}
