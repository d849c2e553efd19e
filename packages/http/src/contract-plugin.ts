import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions, HTTPMethods } from 'fastify'
import fp from 'fastify-plugin'
import { HttpError } from './errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** set on the 405 routes of addMethodNotAllowed: they answer the same to everyone (apps/api access rules) */
    methodNotAllowed?: boolean
  }
}

export type ContractPluginOptions = { appVersion: string }

const DB_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  '57P01',
  '57P03',
])

/** Postgres unreachable or shutting down: the contract answers 503 `Service unavailable` (docs/CONTRACT.md#c-1-0 DB guard). */
const isDatabaseDown = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && DB_DOWN_CODES.has(code)
}

/**
 * Cross-cutting contract (docs/CONTRACT.md#c-1-0, docs/decisions/rewrite-decisions.md#d-2): `X-GhostLink-Version` on every response,
 * `{ error, code }` for every error, JSON 404/405 instead of HTML, and no internal message ever leaks in a 500.
 */
export const contractPlugin = fp(
  async (app: FastifyInstance, opts: ContractPluginOptions) => {
    // callback style, not async: this runs on every redirect, and a promise per request is measurable there
    app.addHook('onRequest', (_req, reply, done) => {
      reply.header('X-GhostLink-Version', opts.appVersion)
      done()
    })

    // every error answer is JSON and says so firmly: a browser never sniffs it as a page (the API adds this and
    // more to every answer, @fastify/helmet; the redirect tier's 404 and 410 get it here, its 302s stay lean)
    app.setNotFoundHandler(async (_req, reply) =>
      reply.code(404).header('x-content-type-options', 'nosniff').send({ error: 'Not found', code: 404 }),
    )

    app.setErrorHandler(async (err: FastifyError | HttpError, req, reply) => {
      reply.header('x-content-type-options', 'nosniff')
      if (err instanceof HttpError) {
        reply.headers(err.headers)
        return reply.code(err.status).send(err.withCode ? { error: err.message, code: err.status } : { error: err.message })
      }
      if (isDatabaseDown(err) || isDatabaseDown((err as { cause?: unknown }).cause)) {
        req.log.error({ err }, 'database unavailable')
        return reply.code(503).send({ error: 'Service unavailable', code: 503 })
      }
      const status = (err as FastifyError).statusCode
      if (status === 413) return reply.code(413).send({ error: 'Payload too large', code: 413 })
      if (status === 405) return reply.code(405).send({ error: 'Method not allowed', code: 405 })
      if (typeof status === 'number' && status >= 400 && status < 500) {
        return reply.code(status).send({ error: 'Bad request', code: status })
      }
      req.log.error({ err }, 'unhandled error')
      return reply.code(500).send({ error: 'Internal server error', code: 500 })
    })
  },
  { name: 'ghostlink-contract' },
)

/**
 * Fastify answers a known path with the wrong method as 404; the contract wants a JSON 405.
 * Call after all routes are registered: it adds 405 handlers for the missing methods of every route path.
 */
export function addMethodNotAllowed(app: FastifyInstance, paths: Map<string, Set<string>>): void {
  const all = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
  for (const [url, methods] of paths) {
    // hasRoute: another spelling of the path may hold the method already (with ignoreTrailingSlash, `/docs/` is `/docs`)
    const missing = all.filter((m) => !methods.has(m) && !app.hasRoute({ method: m as HTTPMethods, url }))
    if (missing.length === 0) continue
    app.route({
      method: missing,
      url,
      config: { methodNotAllowed: true },
      handler: async (_req, reply) => reply.code(405).header('x-content-type-options', 'nosniff').send({ error: 'Method not allowed', code: 405 }),
    })
  }
}

/** Collects route paths and methods as they are registered, for addMethodNotAllowed. */
export function trackRoutes(app: FastifyInstance): Map<string, Set<string>> {
  const paths = new Map<string, Set<string>>()
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const set = paths.get(route.url) ?? new Set<string>()
    for (const m of methods) set.add(m)
    paths.set(route.url, set)
  })
  return paths
}

/**
 * Server option `frameworkErrors`: errors fastify raises before routing (a path parameter over maxParamLength,
 * a malformed URL) get the contract's JSON envelope and version header instead of fastify's own 414/400 body.
 */
export const contractFrameworkErrors =
  (appVersion: string): FastifyServerOptions['frameworkErrors'] =>
  (err, _req, reply) => {
    // a parameter too long for any route cannot name an existing code or id
    const [status, error] = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? [404, 'Not found'] : [400, 'Bad request']
    // the option is generic over route schemas; this handler sends the same untyped envelope for any route
    ;(reply as FastifyReply).code(status).header('X-GhostLink-Version', appVersion).send({ error, code: status })
  }
