import { pingDb } from '@ghostlink/db'
import { redisStatus } from '@ghostlink/redis'
import type { FastifyInstance } from 'fastify'

// GET /health and /ready — liveness with dependency status, and readiness for Nginx / orchestrators
export default async function healthRoutes(app: FastifyInstance) {
  app.get('/health', async (_req, reply) => {
    const db = (await pingDb(app.db)) ? 'ok' : 'error'
    const redis = await redisStatus(app.redis)
    // Redis down is degraded but serving (lookups fall through to Postgres, clicks buffer in memory); no Redis at
    // all (one process) is `disabled`, not a fault
    return reply.code(db === 'ok' ? 200 : 503).send({ status: db === 'ok' ? 'ok' : 'degraded', db, redis, version: app.config.APP_VERSION })
  })

  app.get('/ready', async (_req, reply) => {
    const ok = await pingDb(app.db)
    return reply.code(ok ? 200 : 503).send({ ready: ok })
  })
}
