import { ClickStatus } from '@ghostlink/clicks'
import type { HttpError } from '@ghostlink/http'
import { type FoundLink, forwardQuery, type LinkAnswer, type LinkOptions } from '@ghostlink/links'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { trustedProxies } from '../http/trusted-proxies.js'
import { deadLink, EDGE_REFRESH_HEADER, quarantinedCode, redirectReply, unknownCode } from './edge-answer.js'
import { createRefreshAnswer } from './refresh-answer.js'

// request_fingerprints.short_code is varchar(64): a longer path is an unknown route, not a fingerprinted code
const Params = z.object({ code: z.string().min(1).max(64) })

// GET /:code and /r/:code — the main redirect, HEAD included (docs/CONTRACT.md#c-1-9, docs/decisions/rewrite-decisions.md#d-3).
// Every 404/410 carries the ClickStatus recorded for it (edge-answer.ts); the edge refresh is answered by refresh-answer.ts.
export default async function redirectRoutes(app: FastifyInstance) {
  const { config, db, lookup, clicks, redirectMetrics: metrics, clickLimiter } = app
  const quarantineMode = config.ENABLE_QUARANTINE_MODE
  // children bound once: no label lookup per request
  const answered = {
    301: metrics.redirects.labels({ app_version: config.APP_VERSION, status: 301 }),
    302: metrics.redirects.labels({ app_version: config.APP_VERSION, status: 302 }),
    307: metrics.redirects.labels({ app_version: config.APP_VERSION, status: 307 }),
    308: metrics.redirects.labels({ app_version: config.APP_VERSION, status: 308 }),
    404: metrics.redirects.labels({ app_version: config.APP_VERSION, status: 404 }),
    410: metrics.redirects.labels({ app_version: config.APP_VERSION, status: 410 }),
  }
  const latency = metrics.redirectLatency.labels()
  const refresh = createRefreshAnswer({
    db,
    quarantineMode,
    trusted: trustedProxies(config.TRUSTED_PROXIES),
    answers: metrics.edgeRefreshAnswers,
  })

  /**
   * The answer for a resolved code. Synchronous for a link without options, so a local-cache hit is answered
   * without a promise; a link with options (issue 14) costs its own branch only.
   */
  function answer(req: FastifyRequest, reply: FastifyReply, code: string, link: LinkAnswer): Promise<void> | undefined {
    const ip = req.ip ?? 'unknown'
    const ua = req.headers['user-agent'] ?? 'unknown'
    // docs/CONTRACT.md#c-1-9 step 1: quarantine wins over everything, even for a code no link has
    if (quarantineMode && link.quarantined) {
      clicks.record([Date.now(), code, ClickStatus.quarantined, ip, ua, null, null, null])
      metrics.blockedRequests.inc()
      answered[410].inc()
      throw quarantinedCode()
    }
    if (link.kind === 'missing') {
      clicks.record([Date.now(), code, ClickStatus.unknown, ip, ua, null, null, null])
      metrics.invalidCodeHits.inc()
      answered[404].inc()
      throw unknownCode()
    }
    // step 4: no event and no redirect counted, but a fingerprint: a hit on a dead link is what ghost-probe pressure
    // counts. ClickStatus.inactive is stored as 410, told apart from a quarantined code's 410
    if (!link.is_active) throw dead(code, ip, ua, 'Link inactive')
    if (link.options !== undefined) return answerWithOptions(req, reply, code, link, link.options, ip, ua)
    clicks.record([Date.now(), code, ClickStatus.redirected, ip, ua, req.headers.referer ?? null, link.id, link.user_id])
    answered[302].inc()
    latency.observe(reply.elapsedTime / 1000)
    redirectReply(reply, link, 302, link.original_url).send()
    return undefined
  }

  /** An expired or exhausted link is a dead link like an inactive one: fingerprinted as such, 410, no event. */
  function dead(code: string, ip: string, ua: string, message: string): HttpError {
    clicks.record([Date.now(), code, ClickStatus.inactive, ip, ua, null, null, null])
    answered[410].inc()
    return deadLink(message)
  }

  /** Expiry, then the click limit (an expired link takes no click), then redirect type and query forwarding. */
  function answerWithOptions(
    req: FastifyRequest,
    reply: FastifyReply,
    code: string,
    link: FoundLink,
    o: LinkOptions,
    ip: string,
    ua: string,
  ): Promise<void> | undefined {
    if (o.expires_at !== undefined && Date.now() >= o.expires_at) throw dead(code, ip, ua, 'Link expired')
    if (o.max_clicks === undefined) {
      send(req, reply, code, link, o, ip, ua, true)
      return undefined
    }
    const referrer = req.headers.referer ?? null
    return clickLimiter.take(link, o.max_clicks, { code, ip, ua, referrer }).then((taken) => {
      if (taken === false) throw dead(code, ip, ua, 'Click limit reached')
      send(req, reply, code, link, o, ip, ua, taken === 'counted')
    })
  }

  function send(
    req: FastifyRequest,
    reply: FastifyReply,
    code: string,
    link: FoundLink,
    o: LinkOptions,
    ip: string,
    ua: string,
    record: boolean,
  ): void {
    if (record) clicks.record([Date.now(), code, ClickStatus.redirected, ip, ua, req.headers.referer ?? null, link.id, link.user_id])
    const status = o.redirect_type ?? 302
    answered[status].inc()
    latency.observe(reply.elapsedTime / 1000)
    redirectReply(reply, link, status, o.forward_query ? forwardQuery(link.original_url, req.url) : link.original_url)
    // the edge must not replay a click-limited answer (each one is counted) or one built from this visitor's query
    if (o.forward_query || o.max_clicks !== undefined) reply.header('x-accel-expires', '0')
    // an expiring link must end on time at the edge too, whatever validity the edge gives other 302s
    else if (o.expires_at !== undefined && status === 302) reply.header('x-accel-expires', '1')
    reply.send()
  }

  async function resolveThenAnswer(req: FastifyRequest, reply: FastifyReply, code: string): Promise<void> {
    return answer(req, reply, code, await lookup.lookup(code))
  }

  function redirect(req: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
    const params = Params.safeParse(req.params)
    if (!params.success) {
      answered[404].inc()
      throw unknownCode()
    }
    const code = params.data.code
    if (req.headers[EDGE_REFRESH_HEADER] === '1') return refresh(req, reply, code)
    const local = lookup.cached(code)
    if (local === undefined) return resolveThenAnswer(req, reply, code)
    // undefined once the reply is sent: returning it would make fastify send it again
    return answer(req, reply, code, local)
  }

  app.get('/:code', redirect)
  app.get('/r/:code', redirect)
}
