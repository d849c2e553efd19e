import type { Db } from '@ghostlink/db'
import { Forbidden } from '@ghostlink/http'
import { fetchLinkAnswer, forwardQuery } from '@ghostlink/links'
import type { RedirectMetrics } from '@ghostlink/metrics'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { deadLink, quarantinedCode, redirectReply, unknownCode } from './edge-answer.js'

export type RefreshAnswerOptions = {
  db: Db
  quarantineMode: boolean
  /** TRUSTED_PROXIES' verdict on a socket peer (http/trusted-proxies.ts) */
  trusted: (address: string, hop: number) => boolean
  answers: RedirectMetrics['edgeRefreshAnswers']
}

/**
 * The answer to the edge refresh (a request with `X-GhostLink-Edge-Refresh: 1`, apps/redirect/src/edge-refresh/):
 * what the edge should keep for this code, which replaces its cached entry. It is no visit, so nothing is recorded
 * (no click, no click-limit take, no redirect metric), and it reads Postgres directly: this replica may not have
 * processed the invalidation that caused the refresh yet, so its local cache and Redis may still hold the old answer.
 *
 * - quarantined / missing / inactive / expired: the same 410 / 404 as a visit, with its x-ghostlink-click-status;
 * - found: the visit's redirect; stored already expired (`x-accel-expires: @1`) when every visit must reach a replica
 *   (forward_query: built from the visitor's query; max_clicks: each one is counted; a status other than 302, which
 *   the edge never serves from its cache), kept one second when it must end on time (expires_at). A limit the
 *   database already shows reached is a 410 at once (the count only grows).
 */
export function createRefreshAnswer(opts: RefreshAnswerOptions) {
  const counted = (status: number) => opts.answers.labels({ status }).inc()

  async function refresh(req: FastifyRequest, reply: FastifyReply, code: string): Promise<void> {
    try {
      await answer(req, reply, code)
      counted(reply.statusCode)
    } catch (err) {
      counted((err as { status?: number }).status ?? 500)
      throw err
    }
  }

  async function answer(req: FastifyRequest, reply: FastifyReply, code: string): Promise<void> {
    // only the edge may ask: anyone else could read a click-limited link without taking a click
    if (!opts.trusted(req.socket.remoteAddress ?? '', 0)) throw Forbidden()
    const link = await fetchLinkAnswer(opts.db, code)
    if (opts.quarantineMode && link.quarantined) throw quarantinedCode()
    if (link.kind === 'missing') throw unknownCode()
    if (!link.is_active) throw deadLink('Link inactive')
    const o = link.options
    if (o?.expires_at !== undefined && Date.now() >= o.expires_at) throw deadLink('Link expired')
    if (o?.max_clicks !== undefined && (o.clicks ?? 0) >= o.max_clicks) throw deadLink('Click limit reached')
    const status = o?.redirect_type ?? 302
    redirectReply(reply, link, status, o?.forward_query ? forwardQuery(link.original_url, req.url) : link.original_url)
    // This answer replaces whatever the edge holds for the code (an older 302 too). An answer every visit must get from
    // a replica (counted, built from the visitor's query, or a status the edge never serves from its cache) is stored
    // already expired (`@1`, an absolute time in 1970): the edge serves no expired entry, so each visit goes to a
    // replica as before. An expiring link's 302 may stay one second. docs/decisions/2026-11-28-edge-refresh-and-priority.md
    if (status !== 302 || o?.forward_query || o?.max_clicks !== undefined) reply.header('x-accel-expires', '@1')
    else if (o?.expires_at !== undefined) reply.header('x-accel-expires', '1')
    reply.send()
  }

  return refresh
}
