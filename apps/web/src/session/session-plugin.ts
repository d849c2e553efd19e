import { randomBytes, timingSafeEqual } from 'node:crypto'
import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { SessionData, SessionStore } from './session-store.js'

export const SESSION_COOKIE = 'gl_session'
/** Double-submit token of the sign-in form, the one form posted before a session exists. */
export const LOGIN_CSRF_COOKIE = 'gl_login_csrf'
export const COOKIE_PATH = '/app'
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionData | undefined
    sessionId: string | undefined
  }
}

export const newToken = () => randomBytes(32).toString('base64url')

export const sameToken = (a: unknown, b: string) => {
  if (typeof a !== 'string' || a.length !== b.length) return false
  return timingSafeEqual(Buffer.from(a), Buffer.from(b))
}

/** httpOnly, SameSite=Strict, path /app, Secure when the browser reached us over https (the edge says so). */
export const cookieOptions = (req: FastifyRequest, maxAgeSeconds: number) => ({
  path: COOKIE_PATH,
  httpOnly: true,
  sameSite: 'strict' as const,
  secure: req.protocol === 'https',
  maxAge: maxAgeSeconds,
})

export type SessionPluginOptions = { store: SessionStore; ttlSeconds: number }

/**
 * Loads the session named by the cookie into `req.session`, and refuses every POST whose `_csrf` field does not match
 * the session's token (or, for the sign-in form, the login cookie's) with a plain-words 403 page (see app.ts).
 */
export const sessionPlugin = fp(
  async (app: FastifyInstance, opts: SessionPluginOptions) => {
    await app.register(cookie)
    app.decorateRequest('session', undefined)
    app.decorateRequest('sessionId', undefined)

    app.addHook('preHandler', async (req) => {
      const id = req.cookies[SESSION_COOKIE]
      if (id && SESSION_ID.test(id)) {
        const data = await opts.store.get(id)
        if (data) {
          req.session = data
          req.sessionId = id
        }
      }
      if (req.method !== 'POST') return
      const sent = (req.body as Record<string, unknown> | undefined)?._csrf
      const expected = req.routeOptions.config.loginForm ? req.cookies[LOGIN_CSRF_COOKIE] : req.session?.csrf
      if (!expected || !sameToken(sent, expected)) throw new CsrfError()
    })
  },
  { name: 'ghostlink-web-session' },
)

export class CsrfError extends Error {
  override name = 'CsrfError'
  readonly statusCode = 403
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The sign-in form: checked against the login cookie, since there is no session yet. */
    loginForm?: boolean
  }
}

export async function startSession(req: FastifyRequest, reply: FastifyReply, store: SessionStore, data: SessionData, ttl: number) {
  const id = newToken()
  await store.set(id, data, ttl)
  reply.setCookie(SESSION_COOKIE, id, cookieOptions(req, ttl))
  reply.clearCookie(LOGIN_CSRF_COOKIE, { path: COOKIE_PATH })
}

export async function endSession(req: FastifyRequest, reply: FastifyReply, store: SessionStore) {
  if (req.sessionId) await store.delete(req.sessionId)
  reply.clearCookie(SESSION_COOKIE, { path: COOKIE_PATH })
}
