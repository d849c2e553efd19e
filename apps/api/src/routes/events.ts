import { requireJsonObject } from '@ghostlink/http'
import type { FastifyInstance } from 'fastify'
import { actorKeyId, ownUserId } from '../auth/access.js'
import { createEvent } from '../events/create-event.js'
import { listEvents } from '../events/list-events.js'
import { InvalidUrlIdNoCode, ListEventsQuery, parseUrlId } from '../schemas/events.js'
import { findUrl } from '../urls/find-url.js'

/** /events routes (docs/CONTRACT.md#c-1-13). */
export default async function eventRoutes(app: FastifyInstance) {
  const withActor = app.config.AUTH_MODE === 'token'

  // GET /events — filters url_id, user_id, event_type; bare array ordered by id. A user key sees the events of its own
  // links only; an admin key every event.
  app.get('/events', { config: { auth: 'user' } }, async (req) =>
    listEvents(app.db, ListEventsQuery.parse(req.query ?? {}), { ownerId: ownUserId(req), withActor }),
  )

  // POST /events — create, with the contract's validation order and its three code-less errors. A user key may add
  // events to its own links only: another user's link answers like a missing one (404 `invalid url_id`).
  app.post('/events', { config: { auth: 'user' } }, async (req, reply) => {
    const body = requireJsonObject(req.body)
    const own = ownUserId(req)
    if (own !== undefined) {
      const url = await findUrl(app.db, parseUrlId(body.url_id))
      if (url && url.user_id !== own) throw InvalidUrlIdNoCode()
    }
    return reply.code(201).send(await createEvent(app.db, body, actorKeyId(req)))
  })
}
