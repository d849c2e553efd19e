import type { Config } from '@ghostlink/config'
import { contractFrameworkErrors } from '@ghostlink/http'
import { type FastifyServerOptions, LogController } from 'fastify'
import { trustedProxies } from './http/trusted-proxies.js'

/** Server options shared by server.ts and the tests, so both see the same client-IP rules. */
export const fastifyOptions = (config: Config): FastifyServerOptions => ({
  // req.ip comes from X-Forwarded-For only when the socket peer is a trusted proxy (docs/decisions/rewrite-decisions.md#d-2)
  trustProxy: trustedProxies(config.TRUSTED_PROXIES),
  // one log line per redirect would cost more than the redirect; Nginx keeps the access log
  logController: new LogController({ disableRequestLogging: true }),
  // with request logging off, req.log only ever writes an error line: a pino child per request (to bind reqId)
  // cost more than the rest of a cached redirect's own work, so requests share the server's logger
  childLoggerFactory: (logger) => logger,
  return503OnClosing: true,
  // fastify's own 414 (a parameter over 100 characters) and 400 (malformed URL) in the contract's JSON
  frameworkErrors: contractFrameworkErrors(config.APP_VERSION),
})
