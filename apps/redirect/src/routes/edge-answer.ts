import { ClickStatus, EDGE_HEADERS } from '@ghostlink/clicks'
import { HttpError, Quarantined } from '@ghostlink/http'
import { type FoundLink, safeLocation } from '@ghostlink/links'
import type { FastifyReply } from 'fastify'

/**
 * The request header of the edge refresh (apps/redirect/src/edge-refresh/refresh-sender.ts): the edge's internal
 * refresh server sets it when it re-fetches a code's cached answer; the public server strips it from clients.
 */
export const EDGE_REFRESH_HEADER = 'x-ghostlink-edge-refresh'

/**
 * A redirect's headers, for a visit and for the edge refresh alike. `private, max-age=0`: a browser must not keep a
 * redirect that may be quarantined later (the edge's own micro-cache ignores it). The link's ids ride along for the
 * edge's click log of cache hits; nginx logs and strips them (EDGE_HEADERS, packages/clicks/src/edge-click-log.ts).
 * Nothing in this answer is the visitor's. The caller sets anything else (x-accel-expires) and sends it.
 */
export function redirectReply(reply: FastifyReply, link: FoundLink, status: number, location: string): FastifyReply {
  reply.code(status).header('location', safeLocation(location)).header('cache-control', 'private, max-age=0')
  reply.header(EDGE_HEADERS.urlId, link.id)
  if (link.user_id !== null) reply.header(EDGE_HEADERS.userId, link.user_id)
  return reply
}

const QUARANTINED_MESSAGE = Quarantined().message

type RefusalStatus = (typeof ClickStatus)['unknown' | 'quarantined' | 'inactive']

/**
 * A 404/410 of the redirect route, carrying the ClickStatus the replica records for it (EDGE_HEADERS.clickStatus):
 * when the edge refresh stores it, each cache hit on it is recorded as that (packages/clicks/src/edge-click-log.ts).
 * The contract plugin's error handler sends an HttpError's headers with its JSON body.
 */
function refusal(status: 404 | 410, message: string, clickStatus: RefusalStatus): HttpError {
  return new HttpError(status, message, true, { [EDGE_HEADERS.clickStatus]: String(clickStatus) })
}

export const unknownCode = () => refusal(404, 'Not found', ClickStatus.unknown)
export const quarantinedCode = () => refusal(410, QUARANTINED_MESSAGE, ClickStatus.quarantined)
/** An inactive, expired or exhausted link: recorded as ClickStatus.inactive, told apart from a quarantined 410. */
export const deadLink = (message: string) => refusal(410, message, ClickStatus.inactive)
