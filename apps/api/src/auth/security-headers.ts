import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Security headers on every API response (@fastify/helmet): nosniff, no-referrer, and a CSP that lets a JSON answer
 * load and frame nothing. A route that serves HTML (an API explorer page) loosens it with `config: { helmet: {...} }`
 * or `helmet: false` on that route (docs/SECURITY.md#security-headers).
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      referrerPolicy: { policy: 'no-referrer' },
    })
  },
  { name: 'ghostlink-security-headers' },
)
