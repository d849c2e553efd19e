import proxyAddr from '@fastify/proxy-addr'

const MAX_REMEMBERED = 1_024

/**
 * fastify's `trustProxy` for a list of trusted proxies (TRUSTED_PROXIES: addresses, CIDRs or proxy-addr's names), with
 * each peer's verdict remembered. Behind Nginx every request carries X-Forwarded-For, so fastify asks whether the
 * socket peer is trusted on every request, and proxy-addr's compiled check parses the address each time; the peers are
 * a handful of proxies, so a bounded map answers nearly all of them. The verdict for an address never changes.
 */
export function trustedProxies(list: readonly string[]): (address: string, hop: number) => boolean {
  const check = proxyAddr.compile([...list])
  const verdicts = new Map<string, boolean>()
  return (address, hop) => {
    let trusted = verdicts.get(address)
    if (trusted === undefined) {
      trusted = check(address, hop)
      if (verdicts.size >= MAX_REMEMBERED) verdicts.clear() // many distinct peers: direct clients, not proxies
      verdicts.set(address, trusted)
    }
    return trusted
  }
}
