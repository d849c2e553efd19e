import { parseStatsRange, StatsRangeError, statsForAll, statsForUrl, statsForUser } from '@ghostlink/db'
import { BadRequest, Unauthorized } from '@ghostlink/http'
import { loadOwnedUrlOrThrow } from '../auth/access.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parseIdParam } from '../schemas/users.js'
import { findUserOrThrow } from '../users/find-user.js'

/** The query's window, or a 400 naming what is wrong with it. */
function rangeOf(req: FastifyRequest) {
  try {
    return parseStatsRange((req.query ?? {}) as Record<string, unknown>)
  } catch (err) {
    if (err instanceof StatsRangeError) throw BadRequest(err.message)
    throw err
  }
}

/** The caller's user id; in open mode there is no caller to answer for (docs/SECURITY.md). */
function callerId(req: FastifyRequest): number {
  if (!req.caller) throw Unauthorized()
  return req.caller.userId
}

/**
 * Click statistics, read from the rollups only (docs/API_REFERENCE.md "Click statistics"). A link's owner or an admin
 * for /urls/:id/stats, the caller for /users/me/stats, an admin for /stats and /users/:id/stats.
 */
export default async function statsRoutes(app: FastifyInstance) {
  // GET /urls/:id/stats — one link, active or not; 404 for an unknown id
  app.get<{ Params: { id: string } }>('/urls/:id/stats', { config: { auth: 'user' } }, async (req) => {
    const range = rangeOf(req)
    const url = await loadOwnedUrlOrThrow(req, req.params.id)
    return statsForUrl(app.db, url.id, range)
  })

  // GET /stats — every link, plus the top 10 links
  app.get('/stats', { config: { auth: 'admin' } }, async (req) => statsForAll(app.db, rangeOf(req)))

  // GET /users/me/stats — the caller's links, plus their top 10 (the static path wins over /users/:id/stats)
  app.get('/users/me/stats', { config: { auth: 'user' } }, async (req) => statsForUser(app.db, callerId(req), rangeOf(req)))

  // GET /users/:id/stats — one user's links; 404 for an unknown user
  app.get('/users/:id/stats', { config: { auth: 'admin' } }, async (req) => {
    const id = parseIdParam(req.params)
    const range = rangeOf(req)
    await findUserOrThrow(app.db, id)
    return statsForUser(app.db, id, range)
  })
}
