import { BadRequest } from '@ghostlink/http'
import { z } from 'zod'
import { MAX_DB_INT, parseOr } from './urls.js'

/** Per-link options (issue 14): null clears an option (PUT/PATCH) or leaves it unset (create). */
export const RedirectType = z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)]).nullable()
export const ForwardQuery = z.boolean().nullable()
/** ISO 8601 date-time with `Z` or an offset (a time without one names no instant); stored as UTC. */
export const ExpiresAt = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s))
  .refine((d) => !Number.isNaN(d.getTime()))
  .nullable()
export const MaxClicks = z.number().int().min(1).max(MAX_DB_INT).nullable()

export type LinkOptionValues = {
  redirect_type?: number | null
  forward_query?: boolean | null
  expires_at?: Date | null
  max_clicks?: number | null
}

/** The options present in `body`, validated in this order (docs/API_REFERENCE.md); the first bad one is a 400 `Invalid <key>`. */
export function parseLinkOptions(body: Record<string, unknown>): LinkOptionValues {
  const out: LinkOptionValues = {}
  if ('redirect_type' in body) out.redirect_type = parseOr(RedirectType, body.redirect_type, () => BadRequest('Invalid redirect_type'))
  if ('forward_query' in body) out.forward_query = parseOr(ForwardQuery, body.forward_query, () => BadRequest('Invalid forward_query'))
  if ('expires_at' in body) out.expires_at = parseOr(ExpiresAt, body.expires_at, () => BadRequest('Invalid expires_at'))
  if ('max_clicks' in body) out.max_clicks = parseOr(MaxClicks, body.max_clicks, () => BadRequest('Invalid max_clicks'))
  return out
}
