import { isIP } from 'node:net'

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

type V4Rule = [base: number, bits: number, category: BlockedCategory]

const v4 = (a: string) => a.split('.').reduce((n, part) => n * 256 + Number(part), 0)

// Order matters: the metadata address sits inside link-local, so it is listed first.
const V4_RULES: V4Rule[] = [
  [v4('169.254.169.254'), 32, 'metadata'],
  [v4('100.100.100.200'), 32, 'metadata'], // Alibaba Cloud metadata, inside CGNAT
  [v4('0.0.0.0'), 8, 'unspecified'],
  [v4('10.0.0.0'), 8, 'private'],
  [v4('100.64.0.0'), 10, 'cgnat'],
  [v4('127.0.0.0'), 8, 'loopback'],
  [v4('169.254.0.0'), 16, 'link-local'],
  [v4('172.16.0.0'), 12, 'private'],
  [v4('192.0.0.0'), 24, 'reserved'],
  [v4('192.0.2.0'), 24, 'documentation'],
  [v4('192.88.99.0'), 24, 'reserved'],
  [v4('192.168.0.0'), 16, 'private'],
  [v4('198.18.0.0'), 15, 'reserved'],
  [v4('198.51.100.0'), 24, 'documentation'],
  [v4('203.0.113.0'), 24, 'documentation'],
  [v4('224.0.0.0'), 4, 'multicast'],
  [v4('240.0.0.0'), 4, 'reserved'], // includes 255.255.255.255
]

function classifyV4(n: number): BlockedCategory | null {
  for (const [base, bits, category] of V4_RULES) {
    const size = 2 ** (32 - bits)
    if (n >= base && n < base + size) return category
  }
  return null
}

/** Parses an IPv6 text form (with optional embedded dotted quad and zone) into eight 16-bit groups. */
function parseV6(text: string): number[] | null {
  let s = text.split('%')[0]!.toLowerCase()
  const groups: number[] = []
  const dotted = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/)
  let tail: number[] = []
  if (dotted) {
    if (isIP(dotted[2]!) !== 4) return null
    const n = v4(dotted[2]!)
    tail = [Math.floor(n / 65536), n % 65536]
    s = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1)
  }
  const halves = s.split('::')
  if (halves.length > 2) return null
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? Number.parseInt(h, 16) : Number.NaN))
  const head = parse(halves[0]!)
  const rest = halves.length === 2 ? parse(halves[1]!) : []
  const missing = 8 - head.length - rest.length - tail.length
  if (halves.length === 1 && missing !== 0) return null
  if (missing < 0) return null
  groups.push(...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest, ...tail)
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return null
  return groups
}

const embeddedV4 = (g: number[], hi: number, lo: number) => g[hi]! * 65536 + g[lo]!

function classifyV6(g: number[]): BlockedCategory | null {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0)
  if (zeroUpTo(8)) return 'unspecified'
  if (zeroUpTo(7) && g[7] === 1) return 'loopback'
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d: judge the IPv4 address inside
  if (zeroUpTo(5) && g[5] === 0xffff) return classifyV4(embeddedV4(g, 6, 7))
  if (zeroUpTo(6)) return classifyV4(embeddedV4(g, 6, 7)) ?? 'reserved'
  // NAT64 64:ff9b::/96 and 6to4 2002::/16 also carry an IPv4 destination
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyV4(embeddedV4(g, 6, 7))
  if (g[0] === 0x2002) return classifyV4(embeddedV4(g, 1, 2))
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) return 'metadata' // AWS IPv6 IMDS
  const first = g[0]!
  if ((first & 0xfe00) === 0xfc00) return 'private' // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return 'link-local'
  if ((first & 0xffc0) === 0xfec0) return 'private' // deprecated site-local
  if ((first & 0xff00) === 0xff00) return 'multicast'
  if (first === 0x2001 && g[1] === 0x0db8) return 'documentation'
  if (first === 0x2001 && g[1]! < 0x0200) return 'reserved' // Teredo, benchmarking, ORCHID… (2001::/23)
  if (first === 0x0100 && g.slice(1, 4).every((x) => x === 0)) return 'reserved' // discard-only 100::/64
  if ((first & 0xe000) !== 0x2000) return 'reserved' // outside global unicast 2000::/3
  return null
}

/**
 * SSRF guard (issue "SSRF guard"): classifies an IP literal. Returns null only for public unicast addresses;
 * loopback, private, link-local, CGNAT, multicast, metadata and reserved ranges (IPv4, IPv6, and IPv4 embedded
 * in IPv6 as mapped/compatible/NAT64/6to4 forms) return the reason. Anything that is not an IP is 'invalid'.
 */
export function classifyAddress(address: string): BlockedCategory | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  const family = isIP(bare.split('%')[0]!)
  if (family === 4) return classifyV4(v4(bare))
  if (family === 6) {
    const groups = parseV6(bare)
    return groups ? classifyV6(groups) : 'invalid'
  }
  return 'invalid'
}

export const isPublicAddress = (address: string) => classifyAddress(address) === null

/** Decides whether the prober may connect to an address. */
export type AddressPolicy = (address: string) => BlockedCategory | null

export const publicOnly: AddressPolicy = classifyAddress
export const allowAll: AddressPolicy = (address) => (classifyAddress(address) === 'invalid' ? 'invalid' : null)
