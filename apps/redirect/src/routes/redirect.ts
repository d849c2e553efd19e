import { HttpError, NotFound } from '@ghostlink/http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'

// request_fingerprints.short_code is varchar(64): a longer path is an unknown route, not a fingerprinted code
const Params = z.object({ code: z.string().min(1).max(64) })

const QUARANTINED = 'This short code has been quarantined due to suspicious activity'

// Location must be a valid header value: percent-encode anything outside printable ASCII
const headerSafe = (url: string) => (/[^\x21-\x7e]/.test(url) ? url.replace(/[^\x21-\x7e]+/g, encodeURIComponent) : url)

// GET /:code and /r/:code — the main redirect, HEAD included (contract §1.9, rewrite-decisions §3)
export default async function redirectRoutes(app: FastifyInstance) {
  const { config, lookup, clicks, metrics } = app
  const quarantineMode = config.ENABLE_QUARANTINE_MODE
  // children bound once: no label lookup per request
  const answered = {
    302: metrics.redirects.labels(config.APP_VERSION, '302'),
    404: metrics.redirects.labels(config.APP_VERSION, '404'),
    410: metrics.redirects.labels(config.APP_VERSION, '410'),
  }

  async function redirect(req: FastifyRequest, reply: FastifyReply) {
    const started = performance.now()
    const params = Params.safeParse(req.params)
    if (!params.success) {
      answered[404].inc()
      throw NotFound()
    }
    const code = params.data.code
    const answer = await lookup.lookup(code)
    const client = { at: Date.now(), code, ip: req.ip ?? 'unknown', ua: req.headers['user-agent'] ?? 'unknown', referrer: null }

    // original §1.9 step 1: quarantine wins over everything, even for a code no link has
    if (quarantineMode && answer.quarantined) {
      clicks.record({ ...client, status: 410, url_id: null, user_id: null, invalid: false, quarantined: true })
      metrics.blockedRequests.inc()
      answered[410].inc()
      throw new HttpError(410, QUARANTINED)
    }
    if (answer.kind === 'missing') {
      clicks.record({ ...client, status: 404, url_id: null, user_id: null, invalid: true, quarantined: false })
      metrics.invalidCodeHits.inc()
      answered[404].inc()
      throw NotFound()
    }
    // step 4: zero footprint — no event, no fingerprint (the status counter has no per-link label)
    if (!answer.is_active) {
      answered[410].inc()
      throw new HttpError(410, 'Link inactive')
    }
    const referrer = req.headers.referer ?? null
    clicks.record({ ...client, referrer, status: 302, url_id: answer.id, user_id: answer.user_id, invalid: false, quarantined: false })
    answered[302].inc()
    metrics.redirectLatency.observe((performance.now() - started) / 1000)
    // private, max-age=0: a browser must not keep a redirect that may be quarantined later
    return reply.code(302).header('location', headerSafe(answer.original_url)).header('cache-control', 'private, max-age=0').send()
  }

  app.get('/:code', redirect)
  app.get('/r/:code', redirect)
}
