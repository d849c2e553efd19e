import type { FastifyReply, FastifyRequest } from 'fastify'
import { errorPage } from '../pages/error-page.js'
import type { SessionData } from '../session/session-store.js'

/** The signed-in session, or a redirect to the sign-in page (undefined: the reply is already sent). */
export function signedIn(req: FastifyRequest, reply: FastifyReply): SessionData | undefined {
  if (req.session) return req.session
  void reply.redirect('/app/login', 303)
  return undefined
}

/** An admin session, or a plain-words 403 page. */
export function admin(req: FastifyRequest, reply: FastifyReply): SessionData | undefined {
  const s = signedIn(req, reply)
  if (!s) return undefined
  if (s.admin) return s
  void reply
    .code(403)
    .type('text/html; charset=utf-8')
    .send(String(errorPage('Operators only', 'This page needs an admin key. Sign in with an admin key to see it.', s)))
  return undefined
}

export const sendPage = (reply: FastifyReply, page: { toString(): string }, status = 200) =>
  reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(String(page))

/** Fixed notices named by `?done=`, so no user text travels in a URL into the page. */
const NOTICES: Record<string, string> = {
  created: 'Link created.',
  saved: 'Changes saved.',
  deactivated: 'Link deactivated: it now answers 410 instead of redirecting.',
  reactivated: 'Link reactivated.',
  deleted: 'Link deleted.',
  quarantined: 'Code quarantined.',
  released: 'Code released from quarantine.',
  signedout: 'You are signed out.',
}
export const noticeFor = (done: unknown) => (typeof done === 'string' ? NOTICES[done] : undefined)
