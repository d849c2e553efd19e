import { pingDb } from '@ghostlink/db'
import { redisStatus } from '@ghostlink/redis'
import type { FastifyInstance } from 'fastify'

// GET /health — DB and Redis status, release metadata and feature flags (docs/CONTRACT.md#c-8-1)
export default async function healthRoutes(app: FastifyInstance) {
  app.get('/health', { config: { auth: 'public' } }, async (_req, reply) => {
    const base = { ...app.config.release, feature_flags: app.config.flags }
    if (!(await pingDb(app.db))) return reply.code(503).send({ ...base, status: 'degraded', db: 'error' })
    return { ...base, status: 'ok', db: 'ok', redis: await redisStatus(app.redis) }
  })

  // GET /ready — readiness for load balancers: 200 only when the database answers
  app.get('/ready', { config: { auth: 'public' } }, async (_req, reply) => {
    const ok = await pingDb(app.db)
    return reply.code(ok ? 200 : 503).send({ ready: ok })
  })
}
