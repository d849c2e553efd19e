import { requireJsonObject } from '@ghostlink/http'
import type { FastifyInstance } from 'fastify'
import { ListUsersQuery, parseIdParam, parseNewUser, parseUserChanges } from '../schemas/users.js'
import { createUser } from '../users/create-user.js'
import { deleteUserOrThrow } from '../users/delete-user.js'
import { findUserOrThrow } from '../users/find-user.js'
import { listUsers } from '../users/list-users.js'
import { updateUserOrThrow } from '../users/update-user.js'
import { toUserObject } from '../users/user-object.js'

/** Every /users route except the bulk import (docs/CONTRACT.md#c-1-11); admin keys only (GET /users/me: routes/keys.ts). */
export default async function userRoutes(app: FastifyInstance) {
  // GET /users — bare array, page/per_page (docs/CONTRACT.md#c-1-11)
  app.get('/users', { config: { auth: 'admin' } }, async (req) => listUsers(app.db, ListUsersQuery.parse(req.query ?? {})))

  // POST /users — create (docs/CONTRACT.md#c-1-11)
  app.post('/users', { config: { auth: 'admin' } }, async (req, reply) => {
    const user = parseNewUser(requireJsonObject(req.body))
    return reply.code(201).send(toUserObject(await createUser(app.db, user)))
  })

  // GET /users/:id
  app.get('/users/:id', { config: { auth: 'admin' } }, async (req) => toUserObject(await findUserOrThrow(app.db, parseIdParam(req.params))))

  // PUT and PATCH /users/:id — same partial-update semantics for both verbs; order: body → 404 → fields (docs/CONTRACT.md#c-1-11)
  const update = async (req: { body: unknown; params: unknown }) => {
    const body = requireJsonObject(req.body)
    const current = await findUserOrThrow(app.db, parseIdParam(req.params))
    return toUserObject(await updateUserOrThrow(app.db, current, parseUserChanges(body)))
  }
  app.put('/users/:id', { config: { auth: 'admin' } }, update)
  app.patch('/users/:id', { config: { auth: 'admin' } }, update)

  // DELETE /users/:id — hard delete (docs/CONTRACT.md#c-1-11)
  app.delete('/users/:id', { config: { auth: 'admin' } }, async (req) => deleteUserOrThrow(app.db, parseIdParam(req.params)))
}
