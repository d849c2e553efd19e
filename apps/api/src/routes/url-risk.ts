import type { FastifyInstance } from 'fastify'
import { getUrlRiskOrThrow } from '../url-risk/get-url-risk.js'

export default async function urlRiskRoutes(app: FastifyInstance) {
  // GET /urls/:id/risk — `{url_id, score, tier, signals, computed_at}`, same shape on every call (docs/CONTRACT.md#c-1-8)
  app.get<{ Params: { id: string } }>('/urls/:id/risk', async (req) =>
    getUrlRiskOrThrow(app.db, app.redis, app.config.REDIS_PREFIX, req.params.id),
  )
}
