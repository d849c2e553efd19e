import { BadRequest } from '@ghostlink/http'
import { z } from 'zod'
import { parseOr } from './urls.js'

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v)

export const QR_MIN_SIZE = 64
export const QR_MAX_SIZE = 2048
export const QR_DEFAULT_SIZE = 256

export const QrFormat = z.preprocess(first, z.enum(['svg', 'png'])).default('svg')
/** Width and height in pixels (PNG); the SVG scales freely and takes it as its nominal size. */
export const QrSize = z
  .preprocess(first, z.string().regex(/^\d{1,5}$/).transform(Number))
  .pipe(z.number().int().min(QR_MIN_SIZE).max(QR_MAX_SIZE))
  .default(QR_DEFAULT_SIZE)

/** GET /urls/:id/qr query, checked after the link is found: `format` first, then `size` (400 `Invalid <key>`). */
export function parseQrQuery(query: Record<string, unknown>): { format: 'svg' | 'png'; size: number } {
  const format = parseOr(QrFormat, query.format, () => BadRequest('Invalid format'))
  const size = parseOr(QrSize, query.size, () => BadRequest('Invalid size'))
  return { format, size }
}
