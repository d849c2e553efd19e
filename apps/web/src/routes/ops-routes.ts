import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { ApiError } from '../api-client.js'
import { plainError } from '../api-errors.js'
import { AuditEntry, OpsStatus, QuarantineEntry, RiskLinks } from '../ops-model.js'
import { quarantinePage, riskPage, statusPage } from '../pages/ops-pages.js'
import type { SessionData } from '../session/session-store.js'
import type { WebDeps } from '../web-deps.js'
import { admin, noticeFor, sendPage } from './guards.js'

const QuarantineForm = z.object({ code: z.string().trim(), reason: z.string().trim().max(255).default('') })
const CodeParams = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) })

/** Operator pages (admin keys): quarantine with its audit trail, links by risk tier, platform status. */
export function opsRoutes(app: FastifyInstance, deps: WebDeps) {
  const { api } = deps

  const showQuarantine = async (s: SessionData, extra: { error?: string; notice?: string; prefill?: string }) => {
    const [entries, audit] = await Promise.all([
      api.json({ path: '/quarantine', key: s.key }).then((d) => z.array(QuarantineEntry).parse(d)),
      api.json({ path: '/dashboard/quarantine-audit', key: s.key }).then((d) => z.array(AuditEntry).parse(d)),
    ])
    return quarantinePage({ session: s, entries, audit, ...extra })
  }

  app.get<{ Querystring: { done?: string; code?: string } }>('/app/ops/quarantine', async (req, reply) => {
    const s = admin(req, reply)
    if (!s) return
    const prefill = typeof req.query.code === 'string' ? req.query.code.slice(0, 64) : undefined
    return sendPage(reply, await showQuarantine(s, { notice: noticeFor(req.query.done), prefill }))
  })

  app.post('/app/ops/quarantine', async (req, reply) => {
    const s = admin(req, reply)
    if (!s) return
    const form = QuarantineForm.safeParse(req.body ?? {})
    if (!form.success || !/^[A-Za-z0-9_-]{1,64}$/.test(form.data.code)) {
      return sendPage(reply, await showQuarantine(s, { error: 'A short code is 1 to 64 letters, digits, "-" or "_".' }), 400)
    }
    try {
      await api.json({
        method: 'POST',
        path: `/quarantine/${form.data.code}`,
        key: s.key,
        body: { reason: form.data.reason || null, actor: s.user.username },
      })
    } catch (err) {
      if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401) {
        return sendPage(reply, await showQuarantine(s, { error: plainError(err), prefill: form.data.code }), err.status)
      }
      throw err
    }
    return reply.redirect('/app/ops/quarantine?done=quarantined', 303)
  })

  app.post('/app/ops/quarantine/:code/release', async (req, reply) => {
    const s = admin(req, reply)
    if (!s) return
    const p = CodeParams.safeParse(req.params)
    if (!p.success) throw new ApiError(404, 'Not found')
    await api.json({ method: 'DELETE', path: `/quarantine/${p.data.code}`, key: s.key, body: { actor: s.user.username } })
    return reply.redirect('/app/ops/quarantine?done=released', 303)
  })

  app.get<{ Querystring: { tier?: string } }>('/app/ops/risk', async (req, reply) => {
    const s = admin(req, reply)
    if (!s) return
    const tier = ['SAFE', 'WATCHLIST', 'THREAT'].includes(String(req.query.tier)) ? String(req.query.tier) : 'THREAT'
    const data = RiskLinks.parse(await api.json({ path: `/dashboard/risk-links?tier=${tier}`, key: s.key }))
    return sendPage(reply, riskPage(s, data))
  })

  app.get('/app/ops/status', async (req, reply) => {
    const s = admin(req, reply)
    if (!s) return
    return sendPage(reply, statusPage(s, OpsStatus.parse(await api.json({ path: '/dashboard/ops', key: s.key }))))
  })
}
