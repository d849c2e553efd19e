import type { FastifyInstance } from 'fastify'
import { MissingRequestBody } from './errors.js'

/** Body markers set by the content-type parsers below; handlers turn them into the contract's errors. */
export const MALFORMED_BODY = Symbol('malformed-body')
export const NON_JSON_BODY = Symbol('non-json-body')

/**
 * docs/CONTRACT.md#c-1-0: a body is parsed only when its content type is JSON; malformed JSON or a non-JSON content type
 * must become `400 Missing request body` in the handler, not a framework 400/415.
 */
export function installLenientBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json/i, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body)
    if (text.trim() === '') return done(null, undefined)
    try {
      done(null, JSON.parse(text))
    } catch {
      done(null, MALFORMED_BODY)
    }
  })
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
    done(null, (body as Buffer).length === 0 ? undefined : NON_JSON_BODY)
  })
}

export type JsonObject = Record<string, unknown>

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The body as a JSON object, or `400 Missing request body` (absent, malformed, non-JSON, or not an object). */
export function requireJsonObject(body: unknown): JsonObject {
  if (!isJsonObject(body)) throw MissingRequestBody()
  return body
}

/** Like requireJsonObject, but an absent body means `{}` (DELETE, docs/CONTRACT.md#c-1-7). */
export function optionalJsonObject(body: unknown): JsonObject {
  if (body === undefined) return {}
  return requireJsonObject(body)
}
