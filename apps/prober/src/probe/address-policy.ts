import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

/** Why an address is not a public unicast destination; null when it is one. */
export type BlockedCategory =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'cgnat'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'invalid'

type V4 = ipaddr.IPv4
type V6 = ipaddr.IPv6
/** An IPv6 range carrying an IPv4 destination at byte `ipv4At`; `otherwise` when that address is public. */
type Embedded = { ipv4At: number; otherwise: BlockedCategory | null }

// Ranges are parsed once by ipaddr.js; the first range that matches decides, so order matters.
const v4Rules = (list: Array<[cidr: string, category: BlockedCategory]>) =>
  list.map(([cidr, category]) => [ipaddr.IPv4.parseCIDR(cidr), category] as const)
const v6Rules = (list: Array<[cidr: string, verdict: BlockedCategory | Embedded]>) =>
  list.map(([cidr, verdict]) => [ipaddr.IPv6.parseCIDR(cidr), verdict] as const)

const V4_RULES = v4Rules([
  // the metadata addresses sit inside link-local and CGNAT, so they are listed first
  ['169.254.169.254/32', 'metadata'],
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud metadata
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'], // includes 255.255.255.255
])

const V6_RULES = v6Rules([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  // IPv4 inside IPv6: judge the IPv4 address (mapped, compatible, NAT64, 6to4)
  ['::ffff:0:0/96', { ipv4At: 12, otherwise: null }],
  ['::/96', { ipv4At: 12, otherwise: 'reserved' }],
  ['64:ff9b::/96', { ipv4At: 12, otherwise: null }],
  ['2002::/16', { ipv4At: 2, otherwise: null }],
  ['fd00:ec2::254/128', 'metadata'], // AWS IPv6 IMDS
  ['fc00::/7', 'private'], // unique local
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'], // deprecated site-local
  ['ff00::/8', 'multicast'],
  ['2001:db8::/32', 'documentation'],
  ['2001::/23', 'reserved'], // Teredo, benchmarking, ORCHID…
  ['100::/64', 'reserved'], // discard-only
])
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3')

// ipaddr.js reads `::a.b.c.d` as the IPv4-mapped ::ffff:a.b.c.d; RFC 4291 makes it the (deprecated) IPv4-compatible
// address, which `0::a.b.c.d` spells without that reading
const COMPATIBLE_TEXT = /^::\d{1,3}(\.\d{1,3}){3}$/
const parseV6 = (text: string) => ipaddr.IPv6.parse(COMPATIBLE_TEXT.test(text) ? `0${text}` : text)

function classifyV4(addr: V4): BlockedCategory | null {
  for (const [range, category] of V4_RULES) if (addr.match(range)) return category
  return null
}

function classifyV6(addr: V6): BlockedCategory | null {
  for (const [range, verdict] of V6_RULES) {
    if (!addr.match(range)) continue
    if (typeof verdict === 'string') return verdict
    const bytes = addr.toByteArray().slice(verdict.ipv4At, verdict.ipv4At + 4)
    return classifyV4(new ipaddr.IPv4(bytes)) ?? verdict.otherwise
  }
  return addr.match(GLOBAL_UNICAST) ? null : 'reserved'
}

/**
 * SSRF guard (issue "SSRF guard"): classifies an IP literal. Returns null only for public unicast addresses;
 * loopback, private, link-local, CGNAT, multicast, metadata and reserved ranges (IPv4, IPv6, and IPv4 embedded
 * in IPv6 as mapped/compatible/NAT64/6to4 forms) return the reason. Anything that is not an IP is 'invalid'.
 * node's isIP decides what is an address (strict dotted quads: ipaddr.js alone would also take `1.2.3` or hex
 * parts); ipaddr.js parses it and matches the ranges. An IPv6 zone (`%eth0`) does not change the verdict.
 */
export function classifyAddress(address: string): BlockedCategory | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  try {
    const family = isIP(bare) // a zone is only valid on IPv6
    if (family === 4) return classifyV4(ipaddr.IPv4.parse(bare))
    if (family === 6) return classifyV6(parseV6(bare.split('%')[0]!))
  } catch {
    // isIP accepted what ipaddr.js refuses: not an address we can judge
  }
  return 'invalid'
}

/** Decides whether the prober may connect to an address. */
export type AddressPolicy = (address: string) => BlockedCategory | null

export const publicOnly: AddressPolicy = (address) => classifyAddress(address)
export const allowAll: AddressPolicy = (address) => (classifyAddress(address) === 'invalid' ? 'invalid' : null)
