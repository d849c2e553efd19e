import type { FastifyInstance, FastifyRequest } from 'fastify'
import QRCode from 'qrcode'
import { parseQrQuery } from '../schemas/qr.js'
import { loadOwnedUrlOrThrow } from '../auth/access.js'

/**
 * GET /urls/:id/qr (issue 14): a QR code of the link's public short URL (PUBLIC_BASE_URL/<code>), SVG by default,
 * `?format=png&size=N` for a PNG of N×N pixels. Readable by whoever may read the link (GET /urls/:id), active or not:
 * the code prints the short URL, whose answer says the rest.
 */
export default async function urlQrRoutes(app: FastifyInstance) {
  const base = app.config.PUBLIC_BASE_URL
  // owner or admin, like GET /urls/:id (another user's link is 404)
  app.get('/urls/:id/qr', { config: { auth: 'user' } }, async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const url = await loadOwnedUrlOrThrow(req, req.params.id)
    const { format, size } = parseQrQuery((req.query ?? {}) as Record<string, unknown>)
    const text = `${base}/${url.short_code}`
    // error correction M, a 4-module quiet zone: what phone cameras read best
    const options = { errorCorrectionLevel: 'M' as const, margin: 4, width: size }
    reply.header('cache-control', 'private, max-age=300')
    if (format === 'png') return reply.type('image/png').send(await QRCode.toBuffer(text, { ...options, type: 'png' }))
    return reply.type('image/svg+xml').send(await QRCode.toString(text, { ...options, type: 'svg' }))
  })
}
