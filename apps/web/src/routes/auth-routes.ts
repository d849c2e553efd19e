import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { ApiError } from '../api-client.js'
import { plainError } from '../api-errors.js'
import { loginPage } from '../pages/login-page.js'
import { cookieOptions, endSession, LOGIN_CSRF_COOKIE, newToken, startSession } from '../session/session-plugin.js'
import type { SessionData } from '../session/session-store.js'
import type { WebDeps } from '../web-deps.js'
import { noticeFor, sendPage } from './guards.js'

const LoginBody = z.object({ key: z.string().trim().min(1).max(200) })
const Me = z.object({ id: z.number(), username: z.string(), email: z.string() })
const LOGIN_FORM_TTL = 3600

/** Sign in with an API key (checked with GET /users/me; admin = may read /quarantine), sign out (the key stays valid). */
export function authRoutes(app: FastifyInstance, deps: WebDeps) {
  const showLogin = (req: FastifyRequest, reply: FastifyReply, error?: string, status = 200) => {
    const csrf = newToken()
    reply.setCookie(LOGIN_CSRF_COOKIE, csrf, cookieOptions(req, LOGIN_FORM_TTL))
    const page = loginPage(csrf, error, noticeFor((req.query as { done?: unknown } | undefined)?.done))
    return sendPage(reply, page, status)
  }

  app.get('/app/', async (req, reply) => reply.redirect(req.session ? '/app/links' : '/app/login', 303))
  app.get('/app', async (_req, reply) => reply.redirect('/app/', 301))

  app.get('/app/login', async (req, reply) => {
    if (req.session) return reply.redirect('/app/links', 303)
    return showLogin(req, reply, undefined)
  })

  app.post('/app/login', { config: { loginForm: true } }, async (req, reply) => {
    const parsed = LoginBody.safeParse(req.body)
    if (!parsed.success) return showLogin(req, reply, 'Please paste your API key.', 400)
    const key = parsed.data.key
    let user: z.infer<typeof Me>
    try {
      user = Me.parse(await deps.api.json({ path: '/users/me', key }))
    } catch (err) {
      const status = err instanceof ApiError && err.status > 0 ? err.status : 502
      const message =
        err instanceof ApiError && (err.status === 401 || err.status === 404)
          ? 'That API key is not valid, or it was revoked.'
          : plainError(err)
      return showLogin(req, reply, message, status === 404 ? 401 : status)
    }
    // an admin key may read the quarantine list; a user key is refused with 403
    const probe = await deps.api.raw({ path: '/quarantine', key })
    const data: SessionData = { key, csrf: newToken(), user, admin: probe.status === 200, created_at: new Date().toISOString() }
    await startSession(req, reply, deps.sessions, data, deps.sessionTtlSeconds)
    return reply.redirect('/app/links', 303)
  })

  app.post('/app/logout', async (req, reply) => {
    await endSession(req, reply, deps.sessions)
    return reply.redirect('/app/login?done=signedout', 303)
  })
}
