import { HttpError, optionalJsonObject, requireJsonObject } from '@ghostlink/http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { actorKeyId, loadOwnedUrlOrThrow, ownUserId } from '../../auth/access.js'
import type { AuthLevel } from '../../auth/caller.js'
import { isDigits } from '../../schemas/urls.js'
import { deactivateUrl } from '../../urls/deactivate-url.js'
import { followAlias } from '../../urls/follow-alias.js'
import { updateUrl } from '../../urls/update-url.js'
import type { UrlContext } from '../../urls/url-context.js'
import { toUrlObject } from '../../urls/url-object.js'

type ItemRequest = FastifyRequest<{ Params: { id: string } }>

/** `/urls/<code>` is the public redirect alias; `/urls/<id>` a link's record, for its owner's key or an admin key. */
const itemAuth = (req: FastifyRequest): AuthLevel => (isDigits((req.params as { id: string }).id) ? 'user' : 'public')
/** A user key may touch its own links only; another user's answers 404 like a missing one. */
const assertAccess = async (req: ItemRequest) => {
  if (ownUserId(req) !== undefined) await loadOwnedUrlOrThrow(req, req.params.id)
}

/**
 * `/urls/<x>`: an all-digit segment is an id; anything else is a short code, which only GET understands
 * (docs/CONTRACT.md#c-1-0 route precedence: `/urls/<int:id>` wins over `/urls/<short_code>`).
 */
export default async function urlItemRoutes(app: FastifyInstance, opts: { ctx: UrlContext }) {
  const { ctx } = opts
  const methodNotAllowed = () => new HttpError(405, 'Method not allowed')

  // GET /urls/:id — URL object, active or not (docs/CONTRACT.md#c-1-5); GET /urls/<code> — secondary alias (docs/CONTRACT.md#c-1-10)
  app.get('/urls/:id', { config: { auth: itemAuth } }, async (req: ItemRequest, reply) => {
    if (!isDigits(req.params.id)) return followAlias(app, req, reply, req.params.id)
    return toUrlObject(await loadOwnedUrlOrThrow(req, req.params.id))
  })

  // PUT and PATCH /urls/:id — partial update, same semantics for both verbs (docs/CONTRACT.md#c-1-6)
  const update = async (req: ItemRequest, _reply: FastifyReply) => {
    if (!isDigits(req.params.id)) throw methodNotAllowed()
    await assertAccess(req)
    const row = await updateUrl(ctx, req.params.id, requireJsonObject(req.body), actorKeyId(req))
    return { ...toUrlObject(row), message: 'updated' }
  }
  app.put('/urls/:id', { config: { auth: itemAuth } }, update)
  app.patch('/urls/:id', { config: { auth: itemAuth } }, update)

  // DELETE /urls/:id — soft delete; 404 is decided before the optional body is parsed (docs/CONTRACT.md#c-1-7)
  app.delete('/urls/:id', { config: { auth: itemAuth } }, async (req: ItemRequest) => {
    if (!isDigits(req.params.id)) throw methodNotAllowed()
    await assertAccess(req)
    await deactivateUrl(ctx, req.params.id, () => optionalJsonObject(req.body), actorKeyId(req))
    return { message: 'deleted' }
  })
}
