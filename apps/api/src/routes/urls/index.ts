import { requireJsonObject } from '@ghostlink/http'
import type { FastifyInstance } from 'fastify'
import { actorKeyId, bodyForCaller, ownUserId } from '../../auth/access.js'
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

  // GET /urls — bare array, optional filters, ordered by id (docs/CONTRACT.md#c-1-4). A user key lists its own links
  // (a `user_id` filter naming someone else matches nothing); an admin key every link.
  app.get('/urls', { config: { auth: 'user' } }, async (req) => {
    const query = ListUrlsQuery.parse(req.query ?? {})
    const own = ownUserId(req)
    if (own !== undefined && query.user_id !== undefined && query.user_id !== own) return []
    const rows = await listUrls(app.db, own === undefined ? query : { ...query, user_id: own })
    return rows.map(toUrlObject)
  })

  // POST /urls — create with a required owner, full URL object (docs/CONTRACT.md#c-1-3). A user key creates links
  // of its own user (`user_id` may be left out; another user's is 403); an admin key for any user.
  app.post('/urls', { config: { auth: 'user' } }, async (req, reply) => {
    const input = await parseCreateUrlInput(app.db, bodyForCaller(req, requireJsonObject(req.body)))
    const row = await createShortUrl(ctx, { ...input, actorKeyId: actorKeyId(req) })
    return reply.code(201).send(toUrlObject(row))
  })

  await app.register(urlItemRoutes, { ctx })
}
