import { requireJsonObject } from '@ghostlink/http'
import type { FastifyInstance } from 'fastify'
import { actorKeyId, bodyForCaller } from '../auth/access.js'
import { createShortUrl } from '../urls/create-short-url.js'
import { parseShortenInput } from '../urls/parse-create-input.js'
import { urlContext } from '../urls/url-context.js'

export default async function shortenRoutes(app: FastifyInstance) {
  const ctx = urlContext(app)

  // POST /shorten — create a short URL, compact answer with exactly two keys (docs/CONTRACT.md#c-1-2).
  // Any key (a user key's link is its own); without a key only when ANONYMOUS_LINKS is on (an ownerless link).
  app.post('/shorten', { config: { auth: 'anonymous' } }, async (req, reply) => {
    const input = await parseShortenInput(app.db, bodyForCaller(req, requireJsonObject(req.body)))
    const row = await createShortUrl(ctx, { ...input, actorKeyId: actorKeyId(req) })
    return reply.code(201).send({ id: row.id, short_code: row.short_code })
  })
}
