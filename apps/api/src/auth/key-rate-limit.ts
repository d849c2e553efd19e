import rateLimit from '@fastify/rate-limit'
import { HttpError } from '@ghostlink/http'
import { redisKeys } from '@ghostlink/redis'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const bucketOf = (req: FastifyRequest) => (READ_METHODS.has(req.method) ? 'r' : 'w')

/**
 * Per-key limits (token mode): writes and reads per key per minute, counted in Redis so all replicas share them
 * (@fastify/rate-limit's Redis store; in this process's memory when the API runs without Redis: one process, where
 * the count is as exact as with Redis). Requests without a key are not
 * counted here: the edge limits them per IP. Answers 429 JSON with Retry-After and RateLimit-* headers.
 * Register after the auth plugin and before the routes (it attaches itself to routes as they are added).
 */
export const keyRateLimitPlugin = fp(
  async (app: FastifyInstance) => {
    const { config } = app
    await app.register(rateLimit, {
      global: true,
      // after the auth hook (onRequest) has identified the key, before the body is read
      hook: 'preParsing',
      timeWindow: 60_000,
      keyGenerator: (req) => (req.caller ? `${req.caller.keyId}:${bucketOf(req)}` : 'none'),
      allowList: (req) => req.caller === undefined,
      max: (req) => (bucketOf(req) === 'r' ? config.API_KEY_READS_PER_MIN : config.API_KEY_WRITES_PER_MIN),
      ...(app.redis ? { redis: app.redis } : {}),
      nameSpace: redisKeys(config.REDIS_PREFIX).keyRateLimit,
      // Redis away: let the request through rather than fail it (the edge's per-IP limits still apply)
      skipOnError: true,
      enableDraftSpec: true,
      errorResponseBuilder: () => new HttpError(429, 'Too many requests'),
    })
  },
  { name: 'ghostlink-key-rate-limit', dependencies: ['ghostlink-auth'] },
)
