import type { Config } from '@ghostlink/config'
import type { FastifyBaseLogger } from 'fastify'
import { allowAll, publicOnly } from './address-policy.js'
import { cachingResolver, systemResolver } from './guarded-lookup.js'
import { HostLimiter } from './host-limiter.js'
import { createProbeAgent } from './probe-agent.js'
import type { ProbeDeps } from './probe-url.js'

/** The probe path as configured: SSRF policy, one caching resolver, the guarded agent, the per-host limiter. */
export function createProbeDeps(config: Config, logger: FastifyBaseLogger): ProbeDeps & { close(): Promise<void> } {
  const policy = config.PROBE_ALLOW_PRIVATE ? allowAll : publicOnly
  if (config.PROBE_ALLOW_PRIVATE) logger.warn('PROBE_ALLOW_PRIVATE is on: the SSRF guard accepts private and loopback destinations')
  // one resolver for the pre-connect check and the socket's lookup: DNS time never eats the connect timeout
  const resolve = cachingResolver(systemResolver)
  const dispatcher = createProbeAgent({
    policy,
    connectTimeoutMs: config.PROBE_CONNECT_TIMEOUT_MS,
    timeoutMs: config.PROBE_TIMEOUT_MS,
    resolver: resolve,
  })
  return {
    resolve,
    dispatcher,
    policy,
    limiter: new HostLimiter(config.PROBE_PER_HOST_LIMIT),
    timeoutMs: config.PROBE_TIMEOUT_MS,
    maxRedirects: config.PROBE_MAX_REDIRECTS,
    close: () => dispatcher.close(),
  }
}
