import { Forbidden, NotFound, optionalJsonObject } from '@ghostlink/http'
import type { FastifyInstance } from 'fastify'
import { createKey, findKey, listKeys, revokeKey, toKeyObject } from '../auth/key-store.js'
import { ownUserId } from '../auth/access.js'
import type { Caller } from '../auth/caller.js'
import { parseNewKeyBody } from '../schemas/keys.js'
import { parseIdParam } from '../schemas/users.js'
import { findUserOrThrow } from '../users/find-user.js'
import { toUserObject } from '../users/user-object.js'

const callerOf = (req: { caller: Caller | undefined }): Caller => {
  // the auth hook guarantees a caller on `user` and `admin` routes in token mode, the only mode these routes exist in
  if (!req.caller) throw new Error('key route reached without a caller')
  return req.caller
}

/**
 * API keys and the caller's identity (docs/SECURITY.md, docs/API_REFERENCE.md#authentication). Registered in token
 * mode only: in open mode these paths do not exist, as in the original.
 */
export default async function keyRoutes(app: FastifyInstance) {
  // POST /users/:id/keys — admin: a new key for any user; the secret is in this answer only
  app.post<{ Params: { id: string } }>('/users/:id/keys', { config: { auth: 'admin' } }, async (req, reply) => {
    const user = await findUserOrThrow(app.db, parseIdParam(req.params))
    const { name, scope } = parseNewKeyBody(optionalJsonObject(req.body))
    return reply.code(201).send(await createKey(app.db, { userId: user.id, scope: scope ?? 'user', name }))
  })

  // POST /keys — a new key for the caller's own user, of the caller's scope at most (a user key cannot mint an admin key)
  app.post('/keys', { config: { auth: 'user' } }, async (req, reply) => {
    const caller = callerOf(req)
    const { name, scope } = parseNewKeyBody(optionalJsonObject(req.body))
    if (scope === 'admin' && caller.scope !== 'admin') throw Forbidden()
    return reply.code(201).send(await createKey(app.db, { userId: caller.userId, scope: scope ?? caller.scope, name }))
  })

  // GET /keys — the caller's keys (an admin: every key), never a secret
  app.get('/keys', { config: { auth: 'user' } }, async (req) => (await listKeys(app.db, ownUserId(req))).map(toKeyObject))

  // DELETE /keys/:id — revoke one's own key (an admin: any key); another user's key is 404 like a missing one
  app.delete<{ Params: { id: string } }>('/keys/:id', { config: { auth: 'user' } }, async (req) => {
    const id = parseIdParam(req.params)
    const key = await findKey(app.db, id)
    const own = ownUserId(req)
    if (!key || (own !== undefined && key.user_id !== own)) throw NotFound()
    await revokeKey(app.db, id)
    app.authenticator.forget(id)
    return { message: 'revoked', id }
  })

  // GET /users/me — the caller's user object
  app.get('/users/me', { config: { auth: 'user' } }, async (req) => toUserObject(await findUserOrThrow(app.db, callerOf(req).userId)))
}
