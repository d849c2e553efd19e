import { requireJsonObject } from '@ghostlink/http'
import type { FastifyInstance } from 'fastify'
import { createEvent } from '../events/create-event.js'
import { listEvents } from '../events/list-events.js'
import { ListEventsQuery } from '../schemas/events.js'

/** /events routes (docs/CONTRACT.md#c-1-13). */
export default async function eventRoutes(app: FastifyInstance) {
  // GET /events — filters url_id, user_id, event_type; bare array ordered by id
  app.get('/events', async (req) => listEvents(app.db, ListEventsQuery.parse(req.query ?? {})))

  // POST /events — create, with the contract's validation order and its three code-less errors
  app.post('/events', async (req, reply) => reply.code(201).send(await createEvent(app.db, requireJsonObject(req.body))))
}
