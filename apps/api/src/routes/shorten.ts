import { requireJsonObject } from '@ghostlink/http'
import type { FastifyInstance } from 'fastify'
import { createShortUrl } from '../urls/create-short-url.js'
import { parseShortenInput } from '../urls/parse-create-input.js'
import { urlContext } from '../urls/url-context.js'

export default async function shortenRoutes(app: FastifyInstance) {
  const ctx = urlContext(app)

  // POST /shorten — create a short URL, compact answer with exactly two keys (docs/CONTRACT.md#c-1-2)
  app.post('/shorten', async (req, reply) => {
    const input = await parseShortenInput(app.db, requireJsonObject(req.body))
    const row = await createShortUrl(ctx, input)
    return reply.code(201).send({ id: row.id, short_code: row.short_code })
  })
}
