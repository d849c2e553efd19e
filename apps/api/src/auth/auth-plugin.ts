import { Forbidden, HttpError, Unauthorized } from '@ghostlink/http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { createAuthFailureLimiter } from './auth-failure-limiter.js'
import { type Authenticator, createAuthenticator } from './authenticator.js'
import type { AuthLevel } from './caller.js'
import { bearerToken } from './key-secret.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** API key lookups (token mode); `forget` on revocation. */
    authenticator: Authenticator
  }
}

export type AuthPluginOptions = {
  /** Routes registered by shared plugins that cannot declare `config.auth` themselves (the API's /metrics). */
  publicPaths: string[]
}

/**
 * Who may call what (docs/SECURITY.md). Every route declares `config.auth`; this hook enforces it before anything else
 * runs: 401 for a missing, malformed, unknown or revoked key, 403 for a key without the right, 429 for an IP that keeps
 * failing. In open mode (AUTH_MODE=open) it lets everything through, exactly as the original (docs/CONTRACT.md#c-1-0).
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: AuthPluginOptions) => {
    const { config } = app
    app.decorateRequest('caller', undefined)
    const authenticator = createAuthenticator({ db: app.db, ttlMs: config.AUTH_CACHE_TTL_MS, bootstrapSecret: config.GHOSTLINK_ADMIN_KEY })
    app.decorate('authenticator', authenticator)
    if (config.AUTH_MODE === 'open') return

    const failures = createAuthFailureLimiter({ redis: app.redis, prefix: config.REDIS_PREFIX, maxPerMinute: config.AUTH_FAILURES_PER_MIN })
    const publicPaths = new Set(opts.publicPaths)

    const levelOf = (req: FastifyRequest): AuthLevel => {
      const route = req.routeOptions
      // no route matched: the JSON 404 tells nothing; 405s answer the same to everyone
      if (route.url === undefined || route.config.methodNotAllowed || publicPaths.has(route.url)) return 'public'
      const declared = route.config.auth
      if (typeof declared === 'function') return declared(req)
      return declared ?? 'admin'
    }

    const refuse = async (req: FastifyRequest): Promise<never> => {
      await failures.recordFailure(req.ip)
      throw Unauthorized()
    }

    app.addHook('onRequest', async (req) => {
      const level = levelOf(req)
      if (level === 'public') return
      const header = req.headers.authorization
      if (header === undefined || header === '') {
        if (level === 'anonymous' && config.ANONYMOUS_LINKS) return
        throw Unauthorized()
      }
      const retryAfter = await failures.retryAfter(req.ip)
      if (retryAfter > 0) throw new HttpError(429, 'Too many requests', true, { 'Retry-After': String(retryAfter) })
      const token = bearerToken(header)
      if (token === null) return refuse(req)
      const caller = await authenticator.authenticate(token)
      if (!caller) return refuse(req)
      req.caller = caller
      if (level === 'admin' && caller.scope !== 'admin') throw Forbidden()
    })
  },
  { name: 'ghostlink-auth', dependencies: ['deps'] },
)
