import { events } from '@ghostlink/db'
import { NotFound, Quarantined } from '@ghostlink/http'
import { forwardQuery, type LinkOptions, safeLocation } from '@ghostlink/links'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

// quarantine entries are at most 64 characters (quarantined_codes.short_code) and links at most 10
const MAX_LOOKUP_LENGTH = 64

/**
 * GET /urls/<code> (docs/CONTRACT.md#c-1-10): the redirect tier's shared lookup, so it honours quarantine like `/<code>`
 * (fixes docs/CONTRACT.md#c-11-2-19). Missing or inactive → 404 (no 410 here); active → `redirect` event and 302.
 * Per-link options (issue 14) as on `/<code>`: expired or out of clicks is a 404 here like inactive; a click taken
 * here counts against max_clicks; redirect_type and forward_query apply.
 */
export async function followAlias(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, code: string) {
  if (code.length === 0 || code.length > MAX_LOOKUP_LENGTH) throw NotFound()
  const answer = await app.linkLookup.lookup(code)
  if (answer.quarantined && app.config.flags.ENABLE_QUARANTINE_MODE) throw Quarantined()
  if (answer.kind === 'missing' || !answer.is_active) throw NotFound()
  const o = answer.options
  if (o?.expires_at !== undefined && Date.now() >= o.expires_at) throw NotFound()

  const referer = req.headers.referer
  if (o?.max_clicks !== undefined) {
    const click = { code, ip: req.ip, ua: req.headers['user-agent'] ?? 'unknown', referrer: referer ?? null }
    const taken = await app.clickLimiter.take(answer, o.max_clicks, click)
    if (taken === false) throw NotFound()
    if (taken === 'recorded') return sendRedirect(reply, answer.original_url, req.url, o)
  }
  try {
    await app.db.insert(events).values({
      url_id: answer.id,
      user_id: answer.user_id,
      event_type: 'redirect',
      referrer: typeof referer === 'string' && referer !== '' ? [...referer].slice(0, 2048).join('') : null,
    })
  } catch (err) {
    // the click is lost, the visitor is not: still redirect
    req.log.error({ err, url_id: answer.id }, 'redirect event not recorded')
  }
  return sendRedirect(reply, answer.original_url, req.url, o)
}

function sendRedirect(reply: FastifyReply, destination: string, requestUrl: string, o: LinkOptions | undefined) {
  const location = o?.forward_query ? forwardQuery(destination, requestUrl) : destination
  return reply.redirect(safeLocation(location), o?.redirect_type ?? 302)
}
