import type { Config } from '@ghostlink/config'
import { contractFrameworkErrors } from '@ghostlink/http'
import type { FastifyServerOptions } from 'fastify'

/** Server options shared by server.ts and the tests, so both apply the same limits and client-IP rules. */
export const fastifyOptions = (config: Config): FastifyServerOptions => ({
  bodyLimit: config.BODY_LIMIT_BYTES,
  trustProxy: config.TRUSTED_PROXIES,
  // fastify's own 414 (a parameter over 100 characters) and 400 (malformed URL) in the contract's JSON
  frameworkErrors: contractFrameworkErrors(config.APP_VERSION),
})
