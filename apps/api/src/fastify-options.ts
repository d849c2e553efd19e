import type { Config } from '@ghostlink/config'
import type { FastifyServerOptions } from 'fastify'

/** Server options shared by server.ts and the tests, so both apply the same limits and client-IP rules. */
export const fastifyOptions = (config: Config): FastifyServerOptions => ({
  bodyLimit: config.BODY_LIMIT_BYTES,
  trustProxy: config.TRUSTED_PROXIES,
  // fastify answers a path parameter over 100 characters with its own 414; long codes and ids must reach the
  // handlers and get the contract's JSON 404 (a URL is still bounded by Nginx's and Node's header limits)
  maxParamLength: 2048,
})
