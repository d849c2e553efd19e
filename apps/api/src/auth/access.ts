import type { Url } from '@ghostlink/db'
import { Forbidden, type JsonObject, NotFound, Unauthorized } from '@ghostlink/http'
import type { FastifyRequest } from 'fastify'
import { parseUserId } from '../schemas/urls.js'
import { findUrlOrThrow } from '../urls/find-url.js'

/**
 * The user a request is confined to: a user key's own user id; undefined when the caller may see everything (an admin
 * key, or open mode). Anonymous callers (ANONYMOUS_LINKS) have no caller and are handled by the route that admits them.
 */
export const ownUserId = (req: FastifyRequest): number | undefined =>
  req.caller && req.caller.scope !== 'admin' ? req.caller.userId : undefined

/** The acting key's id for audit records (`actor_key_id`, quarantine `actor`); null in open mode. */
export const actorKeyId = (req: FastifyRequest): number | null => req.caller?.keyId ?? null

/**
 * The link with this id if the caller may touch it: 404 `Not found` when it does not exist or belongs to someone else
 * (a user key cannot tell the two apart, so ids cannot be probed). Admin keys and open mode see every link.
 */
export async function loadOwnedUrlOrThrow(req: FastifyRequest, id: string | number): Promise<Url> {
  const url = await findUrlOrThrow(req.server.db, id)
  const own = ownUserId(req)
  if (own !== undefined && url.user_id !== own) throw NotFound()
  return url
}

/**
 * A create body (POST /urls, POST /shorten) as the caller may send it: a user key's link belongs to its user (a missing
 * `user_id` becomes the caller's; one naming another user is 403). An anonymous caller (ANONYMOUS_LINKS) may not name
 * an owner at all (401: a key is needed to own links). Admin keys and open mode pass the body as it is. A `user_id` that
 * is not a valid id is left for the contract's own validation, in its order.
 */
export function bodyForCaller(req: FastifyRequest, body: JsonObject): JsonObject {
  if (!req.caller) {
    if (req.server.config.AUTH_MODE === 'token' && body.user_id !== undefined && body.user_id !== null) throw Unauthorized()
    return body
  }
  const own = ownUserId(req)
  if (own === undefined) return body
  if (body.user_id === undefined || body.user_id === null) return { ...body, user_id: own }
  let asked: number | undefined
  try {
    asked = parseUserId(body.user_id)
  } catch {
    return body
  }
  if (asked !== own) throw Forbidden()
  return body
}
