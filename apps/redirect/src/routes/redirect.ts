import { ClickStatus, EDGE_HEADERS } from '@ghostlink/clicks'
import { HttpError, NotFound, Quarantined } from '@ghostlink/http'
import { type LinkAnswer, safeLocation } from '@ghostlink/links'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'

// request_fingerprints.short_code is varchar(64): a longer path is an unknown route, not a fingerprinted code
const Params = z.object({ code: z.string().min(1).max(64) })

// GET /:code and /r/:code — the main redirect, HEAD included (docs/CONTRACT.md#c-1-9, docs/decisions/rewrite-decisions.md#d-3)
export default async function redirectRoutes(app: FastifyInstance) {
  const { config, lookup, clicks, metrics } = app
  const quarantineMode = config.ENABLE_QUARANTINE_MODE
  // children bound once: no label lookup per request
  const answered = {
    302: metrics.redirects.labels({ app_version: config.APP_VERSION, status: 302 }),
    404: metrics.redirects.labels({ app_version: config.APP_VERSION, status: 404 }),
    410: metrics.redirects.labels({ app_version: config.APP_VERSION, status: 410 }),
  }
  const latency = metrics.redirectLatency.labels()

  /** The answer for a resolved code. Synchronous, so a local-cache hit is answered without a promise. */
  function answer(req: FastifyRequest, reply: FastifyReply, code: string, link: LinkAnswer): void {
    const ip = req.ip ?? 'unknown'
    const ua = req.headers['user-agent'] ?? 'unknown'
    // docs/CONTRACT.md#c-1-9 step 1: quarantine wins over everything, even for a code no link has
    if (quarantineMode && link.quarantined) {
      clicks.record([Date.now(), code, ClickStatus.quarantined, ip, ua, null, null, null])
      metrics.blockedRequests.inc()
      answered[410].inc()
      throw Quarantined()
    }
    if (link.kind === 'missing') {
      clicks.record([Date.now(), code, ClickStatus.unknown, ip, ua, null, null, null])
      metrics.invalidCodeHits.inc()
      answered[404].inc()
      throw NotFound()
    }
    // step 4: no event and no redirect counted, but a fingerprint: a hit on a dead link is what ghost-probe pressure
    // counts. ClickStatus.inactive is stored as 410, told apart from a quarantined code's 410
    if (!link.is_active) {
      clicks.record([Date.now(), code, ClickStatus.inactive, ip, ua, null, null, null])
      answered[410].inc()
      throw new HttpError(410, 'Link inactive')
    }
    clicks.record([Date.now(), code, ClickStatus.redirected, ip, ua, req.headers.referer ?? null, link.id, link.user_id])
    answered[302].inc()
    latency.observe(reply.elapsedTime / 1000)
    // private, max-age=0: a browser must not keep a redirect that may be quarantined later (the edge's own
    // micro-cache ignores it and keeps a 302 for about a second). The link's ids ride along for the edge's click log
    // and are stripped there (packages/clicks/src/edge-click-log.ts); nothing in this answer is the visitor's.
    reply.code(302).header('location', safeLocation(link.original_url)).header('cache-control', 'private, max-age=0')
    reply.header(EDGE_HEADERS.urlId, link.id)
    if (link.user_id !== null) reply.header(EDGE_HEADERS.userId, link.user_id)
    reply.send()
  }

  async function resolveThenAnswer(req: FastifyRequest, reply: FastifyReply, code: string): Promise<void> {
    answer(req, reply, code, await lookup.lookup(code))
  }

  function redirect(req: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
    const params = Params.safeParse(req.params)
    if (!params.success) {
      answered[404].inc()
      throw NotFound()
    }
    const code = params.data.code
    const local = lookup.cached(code)
    if (local === undefined) return resolveThenAnswer(req, reply, code)
    answer(req, reply, code, local)
    return undefined // the reply is sent; returning it would make fastify send it again
  }

  app.get('/:code', redirect)
  app.get('/r/:code', redirect)
}
