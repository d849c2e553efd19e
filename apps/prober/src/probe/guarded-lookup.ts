import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import type { AddressPolicy, BlockedCategory } from './address-policy.js'

/** Thrown when a destination resolves to an address the policy refuses (SSRF guard). */
export class BlockedAddressError extends Error {
  readonly code = 'GL_BLOCKED_ADDRESS'
  constructor(
    readonly host: string,
    readonly address: string,
    readonly category: BlockedCategory,
  ) {
    super(`refused ${host} -> ${address} (${category})`)
  }
}

/** Resolves a host name to every address it has (dns.lookup semantics, so /etc/hosts counts). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))))

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for net/tls.connect that resolves, checks every answer against the policy and hands the socket
 * only checked addresses. The check and the connect use the same answer, so DNS rebinding between "validate"
 * and "connect" is impossible. Any blocked answer refuses the whole host (a mixed answer is suspicious).
 */
export function createGuardedLookup(policy: AddressPolicy, resolver: Resolver = systemResolver) {
  return (hostname: string, options: { all?: boolean } | number, callback: LookupCallback): void => {
    const all = typeof options === 'object' && options?.all === true
    resolver(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '')
        for (const a of addresses) {
          const category = policy(a.address)
          if (category) return callback(new BlockedAddressError(hostname, a.address, category), '')
        }
        if (all) return callback(null, addresses)
        callback(null, addresses[0]!.address, addresses[0]!.family)
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    )
  }
}
