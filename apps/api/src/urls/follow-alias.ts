import { events } from '@ghostlink/db'
import { NotFound, Quarantined } from '@ghostlink/http'
import { safeLocation } from '@ghostlink/links'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

// quarantine entries are at most 64 characters (quarantined_codes.short_code) and links at most 10
const MAX_LOOKUP_LENGTH = 64

/**
 * GET /urls/<code> (docs/CONTRACT.md#c-1-10): the redirect tier's shared lookup, so it honours quarantine like `/<code>`
 * (fixes docs/CONTRACT.md#c-11-2-19). Missing or inactive → 404 (no 410 here); active → `redirect` event and 302.
 */
export async function followAlias(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, code: string) {
  if (code.length === 0 || code.length > MAX_LOOKUP_LENGTH) throw NotFound()
  const answer = await app.linkLookup.lookup(code)
  if (answer.quarantined && app.config.flags.ENABLE_QUARANTINE_MODE) throw Quarantined()
  if (answer.kind === 'missing' || !answer.is_active) throw NotFound()

  const referer = req.headers.referer
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
  return reply.redirect(safeLocation(answer.original_url), 302)
}
