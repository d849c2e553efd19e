import formbody from '@fastify/formbody'
import type { FastifyError, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ApiError } from './api-client.js'
import { plainError } from './api-errors.js'
import { errorPage } from './pages/error-page.js'
import { authRoutes } from './routes/auth-routes.js'
import { sendPage } from './routes/guards.js'
import { linkRoutes } from './routes/link-routes.js'
import { opsRoutes } from './routes/ops-routes.js'
import { staticRoutes } from './routes/static-routes.js'
import { CsrfError, endSession, sessionPlugin } from './session/session-plugin.js'
import type { WebDeps } from './web-deps.js'

// Our own CSS and JS only; no inline script, no framing, forms post to us only.
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

/** The web dashboard as a plugin: pages under /app/, /health for the container. server.ts owns the process. */
export const webApp = fp(
  async (app: FastifyInstance, deps: WebDeps) => {
    await app.register(formbody, { bodyLimit: 64 * 1024 })
    await app.register(sessionPlugin, { store: deps.sessions, ttlSeconds: deps.sessionTtlSeconds })

    app.addHook('onSend', async (_req, reply, payload) => {
      reply.header('content-security-policy', CSP)
      reply.header('x-content-type-options', 'nosniff')
      reply.header('referrer-policy', 'same-origin')
      reply.header('x-frame-options', 'DENY')
      return payload
    })

    app.get('/health', async () => ({ status: 'ok' }))
    // ready when sessions can be read: without its store the dashboard cannot sign anyone in
    app.get('/ready', async (_req, reply) => {
      const ok = await deps.sessions.ping()
      return reply.code(ok ? 200 : 503).send({ ready: ok })
    })
    staticRoutes(app)
    authRoutes(app, deps)
    linkRoutes(app, deps)
    opsRoutes(app, deps)

    app.setNotFoundHandler(async (req, reply) =>
      sendPage(reply, errorPage('Page not found', 'There is no page at this address.', req.session), 404),
    )

    // Every failure becomes a page in plain words with a fitting status; a revoked key ends the session.
    app.setErrorHandler(async (err: FastifyError, req, reply) => {
      if (err instanceof CsrfError) {
        return sendPage(
          reply,
          errorPage(
            'Form expired',
            'This form is out of date (or was not sent by this site). Go back, reload the page and try again.',
            req.session,
          ),
          403,
        )
      }
      if (err instanceof ApiError) {
        if (err.status === 401) {
          await endSession(req, reply, deps.sessions)
          return sendPage(
            reply,
            errorPage('Signed out', 'Your API key is no longer accepted (it may have been revoked). Sign in again.'),
            401,
          )
        }
        const status = err.status === 0 ? 502 : err.status
        if (status >= 500) req.log.warn({ err }, 'API call failed')
        return sendPage(reply, errorPage(status === 404 ? 'Not found' : 'Something went wrong', plainError(err), req.session), status)
      }
      if (err.statusCode && err.statusCode < 500) {
        return sendPage(
          reply,
          errorPage('Request not accepted', 'The request could not be read. Go back and try again.', req.session),
          err.statusCode,
        )
      }
      req.log.error({ err }, 'web request failed')
      return sendPage(reply, errorPage('Something went wrong', plainError(err), req.session), 500)
    })
  },
  { name: 'ghostlink-web' },
)
