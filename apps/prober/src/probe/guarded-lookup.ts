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

/**
 * Remembers each answer for `ttlMs` and shares a lookup in flight. The probe resolves and checks a host before it
 * connects (probe-url.ts), then the socket's lookup gets the same answer from here at once: DNS time never counts
 * against the connect timeout (a refused host read as DEAD "connect timeout" during busy sweeps, issue 13), and the
 * check and the connect still use one answer (no rebinding in between).
 */
export function cachingResolver(resolver: Resolver, ttlMs = 30_000): Resolver {
  const cache = new Map<string, { at: number; answer: Promise<LookupAddress[]> }>()
  return (hostname) => {
    const hit = cache.get(hostname)
    if (hit && performance.now() - hit.at < ttlMs) return hit.answer
    const answer = resolver(hostname)
    const entry = { at: performance.now(), answer }
    cache.set(hostname, entry)
    // failures are not remembered; the map never grows past one sweep's hosts for long
    answer.catch(() => cache.get(hostname) === entry && cache.delete(hostname))
    if (cache.size > 10_000) for (const [k, v] of cache) if (performance.now() - v.at >= ttlMs) cache.delete(k)
    return answer
  }
}

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
