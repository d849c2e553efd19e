import { Agent } from 'undici'
import type { AddressPolicy } from './address-policy.js'
import { createGuardedLookup, type Resolver, systemResolver } from './guarded-lookup.js'

export type ProbeAgentOptions = {
  policy: AddressPolicy
  connectTimeoutMs: number
  timeoutMs: number
  resolver?: Resolver
}

/**
 * The dispatcher every link probe goes through: connect timeout, TLS verification on, and the guarded lookup
 * so the socket only ever connects to an address the SSRF policy accepted.
 */
export function createProbeAgent(opts: ProbeAgentOptions): Agent {
  return new Agent({
    connect: {
      timeout: opts.connectTimeoutMs,
      rejectUnauthorized: true,
      lookup: createGuardedLookup(opts.policy, opts.resolver ?? systemResolver),
    },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    keepAliveTimeout: 4_000,
  })
}
