import { type ClickLimiter, createClickLimiter, createLinkLookup, type LinkLookup } from '@ghostlink/links'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    linkLookup: LinkLookup
    /** max_clicks, shared with the redirect tier (issue 14) */
    clickLimiter: ClickLimiter
  }
}

/**
 * The redirect tier's lookup (Redis → Postgres), shared by GET /urls/<code>. No in-process cache in the API, so it
 * needs no invalidation subscriber: invalidateLink's DEL is enough to keep it fresh.
 */
export const linkLookupPlugin = fp(
  async (app: FastifyInstance) => {
    const lookup = createLinkLookup({
      db: app.db,
      redis: app.redis,
      prefix: app.config.REDIS_PREFIX,
      localMax: 0,
      localTtlMs: 0,
      redisTtlSeconds: app.config.CACHE_TTL_SECONDS,
      negativeTtlSeconds: app.config.NEGATIVE_CACHE_TTL_SECONDS,
    })
    app.decorate('linkLookup', lookup)
    app.decorate('clickLimiter', createClickLimiter({ db: app.db, redis: app.redis, prefix: app.config.REDIS_PREFIX }))
    app.addHook('onClose', async () => lookup.close())
  },
  { name: 'link-lookup', dependencies: ['deps'] },
)
