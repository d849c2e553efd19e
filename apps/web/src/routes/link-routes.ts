import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { ApiError } from '../api-client.js'
import { plainError } from '../api-errors.js'
import { fromUrlObject, LinkFormBody, type LinkFormValues, toApiBody } from '../link-form.js'
import { DashboardLinks, LinkStats, RiskView, UrlObject } from '../links-model.js'
import { linkFormPage } from '../pages/link-form-page.js'
import { deletePage, linkPage, RANGES, type RangeName } from '../pages/link-page.js'
import { linksPage } from '../pages/links-page.js'
import type { SessionData } from '../session/session-store.js'
import type { WebDeps } from '../web-deps.js'
import { noticeFor, sendPage, signedIn } from './guards.js'

const ListQuery = z.object({
  q: z.string().trim().max(200).catch('').default(''),
  state: z.enum(['all', 'active', 'inactive', 'expired', 'quarantined']).catch('all').default('all'),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1),
  done: z.string().optional(),
})
const PER_PAGE = 25
const IdParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) })
const LinkQuery = z.object({ range: z.enum(['24h', '7d', '30d']).catch('7d').default('7d'), done: z.string().optional() })

/** The owner's pages: list, create, view (stats, QR, risk), edit, deactivate, reactivate, delete. */
export function linkRoutes(app: FastifyInstance, deps: WebDeps) {
  const { api } = deps
  const shortUrl = (code: string) => `${deps.publicBaseUrl}/${code}`
  const idOf = (req: FastifyRequest) => {
    const p = IdParams.safeParse(req.params)
    if (!p.success) throw new ApiError(404, 'Not found')
    return p.data.id
  }

  app.get('/app/links', async (req, reply) => {
    const s = signedIn(req, reply)
    if (!s) return
    const q = ListQuery.parse(req.query ?? {})
    const params = new URLSearchParams({ user_id: String(s.user.id), page: String(q.page), per_page: String(PER_PAGE), state: q.state })
    if (q.q) params.set('q', q.q)
    const data = DashboardLinks.parse(await api.json({ path: `/dashboard/links?${params}`, key: s.key }))
    return sendPage(
      reply,
      linksPage({
        session: s,
        q: q.q,
        state: q.state,
        page: q.page,
        perPage: PER_PAGE,
        total: data.total,
        items: data.items,
        baseUrl: deps.publicBaseUrl,
        notice: noticeFor(q.done),
      }),
    )
  })

  const emptyForm: LinkFormValues = { original_url: '', short_code: '', title: '', redirect_type: '', expires_at: '', max_clicks: '' }
  app.get('/app/links/new', async (req, reply) => {
    const s = signedIn(req, reply)
    if (!s) return
    return sendPage(reply, linkFormPage({ session: s, mode: 'create', values: emptyForm }))
  })

  /** Sends the form to the API; on a refusal the form comes back with the values typed and the reason in plain words. */
  async function submit(req: FastifyRequest, reply: FastifyReply, s: SessionData, mode: 'create' | 'edit', id?: number) {
    const values = LinkFormBody.parse(req.body ?? {})
    const again = (error: string, status: number) => sendPage(reply, linkFormPage({ session: s, mode, id, values, error }), status)
    const built = toApiBody(values, mode)
    if ('problem' in built) return again(built.problem, 400)
    try {
      if (mode === 'create') {
        const created = UrlObject.parse(
          await api.json({ method: 'POST', path: '/urls', key: s.key, body: { ...built.body, user_id: s.user.id } }),
        )
        return reply.redirect(`/app/links/${created.id}?done=created`, 303)
      }
      await api.json({ method: 'PATCH', path: `/urls/${id}`, key: s.key, body: built.body })
      return reply.redirect(`/app/links/${id}?done=saved`, 303)
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401 && err.status !== 0 && err.status < 500) return again(plainError(err), err.status)
      throw err
    }
  }

  app.post('/app/links', async (req, reply) => {
    const s = signedIn(req, reply)
    if (!s) return
    return submit(req, reply, s, 'create')
  })

  const readLink = async (s: SessionData, id: number) => UrlObject.parse(await api.json({ path: `/urls/${id}`, key: s.key }))

  app.get('/app/links/:id', async (req, reply) => {
    const s = signedIn(req, reply)
    if (!s) return
    const id = idOf(req)
    const q = LinkQuery.parse(req.query ?? {})
    const range = RANGES[q.range as RangeName]
    const to = new Date()
    const from = new Date(to.getTime() - range.hours * 3_600_000)
    const statsPath = `/urls/${id}/stats?${new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), interval: range.interval })}`
    const [link, row, stats, risk] = await Promise.all([
      readLink(s, id),
      api.json({ path: `/dashboard/links?${new URLSearchParams({ id: String(id), user_id: String(s.user.id) })}`, key: s.key }).then(
        (d) => DashboardLinks.parse(d).items[0],
        () => undefined,
      ),
      api.json({ path: statsPath, key: s.key }).then(
        (d) => ({ ok: LinkStats.parse(d) }),
        (err: unknown) => ({
          error: err instanceof ApiError && err.status === 404 ? 'Statistics are not available for this link yet.' : plainError(err),
        }),
      ),
      api.json({ path: `/urls/${id}/risk`, key: s.key }).then(
        (d) => RiskView.parse(d),
        () => undefined,
      ),
    ])
    return sendPage(
      reply,
      linkPage({
        session: s,
        link: { ...link, quarantined: row?.quarantined ?? false },
        shortUrl: shortUrl(link.short_code),
        range: q.range as RangeName,
        stats: 'ok' in stats ? stats.ok : undefined,
        statsError: 'error' in stats ? stats.error : undefined,
        risk,
        notice: noticeFor(q.done),
      }),
    )
  })

  app.get('/app/links/:id/edit', async (req, reply) => {
    const s = signedIn(req, reply)
    if (!s) return
    const id = idOf(req)
    return sendPage(reply, linkFormPage({ session: s, mode: 'edit', id, values: fromUrlObject(await readLink(s, id)) }))
  })

  app.post('/app/links/:id', async (req, reply) => {
    const s = signedIn(req, reply)
    if (!s) return
    return submit(req, reply, s, 'edit', idOf(req))
  })

  for (const [action, is_active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    app.post(`/app/links/:id/${action}`, async (req, reply) => {
      const s = signedIn(req, reply)
      if (!s) return
      const id = idOf(req)
      await api.json({ method: 'PATCH', path: `/urls/${id}`, key: s.key, body: { is_active } })
      return reply.redirect(`/app/links/${id}?done=${action}d`, 303)
    })
  }

  app.get('/app/links/:id/delete', async (req, reply) => {
    const s = signedIn(req, reply)
    if (!s) return
    const link = await readLink(s, idOf(req))
    return sendPage(reply, deletePage(s, link, shortUrl(link.short_code)))
  })

  app.post('/app/links/:id/delete', async (req, reply) => {
    const s = signedIn(req, reply)
    if (!s) return
    await api.json({ method: 'DELETE', path: `/urls/${idOf(req)}`, key: s.key })
    return reply.redirect('/app/links?done=deleted', 303)
  })

  // The QR code comes from the API (GET /urls/:id/qr, SVG); when it cannot be had, a small SVG says so in words.
  app.get('/app/links/:id/qr.svg', async (req, reply) => {
    const s = signedIn(req, reply)
    if (!s) return
    const res = await api.raw({ path: `/urls/${idOf(req)}/qr`, key: s.key })
    reply.header('cache-control', 'private, max-age=300').type('image/svg+xml')
    if (res.status === 200 && res.contentType.startsWith('image/svg+xml')) return reply.send(res.body)
    return reply
      .code(res.status === 200 ? 502 : res.status || 502)
      .send(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 180 180" width="180" height="180"><rect width="180" height="180" fill="#f3f4f6"/><text x="90" y="95" font-family="sans-serif" font-size="13" text-anchor="middle" fill="#374151">QR code unavailable</text></svg>',
      )
  })
}
