import { requireJsonObject } from '@ghostlink/http'
import type { FastifyInstance } from 'fastify'
import { ListUrlsQuery } from '../../schemas/urls.js'
import { createShortUrl } from '../../urls/create-short-url.js'
import { listUrls } from '../../urls/list-urls.js'
import { parseCreateUrlInput } from '../../urls/parse-create-input.js'
import { urlContext } from '../../urls/url-context.js'
import { toUrlObject } from '../../urls/url-object.js'
import urlItemRoutes from './item.js'

/** Every `/urls` route except the risk score (routes/url-risk.ts). */
export default async function urlRoutes(app: FastifyInstance) {
  const ctx = urlContext(app)

  // GET /urls — bare array, optional filters, ordered by id (docs/CONTRACT.md#c-1-4)
  app.get('/urls', async (req) => {
    const rows = await listUrls(app.db, ListUrlsQuery.parse(req.query ?? {}))
    return rows.map(toUrlObject)
  })

  // POST /urls — create with a required owner, full URL object (docs/CONTRACT.md#c-1-3)
  app.post('/urls', async (req, reply) => {
    const input = await parseCreateUrlInput(app.db, requireJsonObject(req.body))
    const row = await createShortUrl(ctx, input)
    return reply.code(201).send(toUrlObject(row))
  })

  await app.register(urlItemRoutes, { ctx })
}
