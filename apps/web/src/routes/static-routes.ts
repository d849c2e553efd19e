import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'

const PUBLIC_DIR = new URL('../../public/', import.meta.url)
const FILES = { 'app.css': 'text/css; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8' } as const

/** Our two static files, read once and served from memory with an ETag (no CDN, no build step). */
export function staticRoutes(app: FastifyInstance) {
  for (const [name, type] of Object.entries(FILES)) {
    const body = readFileSync(new URL(name, PUBLIC_DIR))
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`
    app.get(`/app/static/${name}`, async (req, reply) => {
      reply.header('etag', etag).header('cache-control', 'public, max-age=300')
      if (req.headers['if-none-match'] === etag) return reply.code(304).send()
      return reply.type(type).send(body)
    })
  }
}
