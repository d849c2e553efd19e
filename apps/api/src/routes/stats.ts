import { parseStatsRange, StatsRangeError, statsForAll, statsForUrl, statsForUser } from '@ghostlink/db'
import { BadRequest, HttpError } from '@ghostlink/http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parseIdParam } from '../schemas/users.js'
import { findUrlOrThrow } from '../urls/find-url.js'
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

/**
 * The signed-in user's id, as the authentication layer (issue 10) decorates the request with it (`req.user.id`);
 * without it there is no caller to answer for.
 */
function callerId(req: FastifyRequest): number {
  const id = (req as { user?: { id?: unknown } }).user?.id
  if (typeof id !== 'number') throw new HttpError(401, 'Authentication required')
  return id
}

/**
 * Click statistics, read from the rollups only (docs/API_REFERENCE.md "Click statistics"). Who may read which is
 * decided by the authentication layer: a link's owner or an admin for /urls/:id/stats and /users/:id/stats, an admin
 * for /stats, the caller for /users/me/stats.
 */
export default async function statsRoutes(app: FastifyInstance) {
  // GET /urls/:id/stats — one link, active or not; 404 for an unknown id
  app.get<{ Params: { id: string } }>('/urls/:id/stats', async (req) => {
    const range = rangeOf(req)
    const url = await findUrlOrThrow(app.db, req.params.id)
    return statsForUrl(app.db, url.id, range)
  })

  // GET /stats — every link, plus the top 10 links
  app.get('/stats', async (req) => statsForAll(app.db, rangeOf(req)))

  // GET /users/me/stats — the caller's links, plus their top 10 (the static path wins over /users/:id/stats)
  app.get('/users/me/stats', async (req) => statsForUser(app.db, callerId(req), rangeOf(req)))

  // GET /users/:id/stats — one user's links; 404 for an unknown user
  app.get('/users/:id/stats', async (req) => {
    const id = parseIdParam(req.params)
    const range = rangeOf(req)
    await findUserOrThrow(app.db, id)
    return statsForUser(app.db, id, range)
  })
}
