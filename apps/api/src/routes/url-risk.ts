import type { FastifyInstance } from 'fastify'
import { loadOwnedUrlOrThrow, ownUserId } from '../auth/access.js'
import { getUrlRiskOrThrow } from '../url-risk/get-url-risk.js'

export default async function urlRiskRoutes(app: FastifyInstance) {
  // GET /urls/:id/risk — `{url_id, score, tier, signals, computed_at}`, same shape on every call (docs/CONTRACT.md#c-1-8)
  // Any key for its own links (another user's link is 404); an admin key for every link.
  app.get<{ Params: { id: string } }>('/urls/:id/risk', { config: { auth: 'user' } }, async (req) => {
    if (ownUserId(req) !== undefined) await loadOwnedUrlOrThrow(req, req.params.id)
    return getUrlRiskOrThrow(app.db, app.redis, app.config.REDIS_PREFIX, req.params.id)
  })
}
