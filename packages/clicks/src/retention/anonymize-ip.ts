import { isIPv4, isIPv6 } from 'node:net'

/**
 * An address cut to its network: IPv4 to the /24 (`203.0.113.0`), IPv6 to the /48 (`2001:db8:1::`), an IPv4-mapped
 * IPv6 address like IPv4 (`::ffff:203.0.113.0`). Anything else (`unknown`, garbage) is returned unchanged: it names
 * no one.
 */
export function anonymizeIp(ip: string): string {
  if (isIPv4(ip)) return `${ip.slice(0, ip.lastIndexOf('.'))}.0`
  if (!isIPv6(ip)) return ip
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped) return `::ffff:${anonymizeIp(mapped[1]!)}`
  const [head = '', tail = ''] = ip.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === '' ? [] : tail.split(':')
  // expand `::` to the zero groups it stands for, then keep the first three groups
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left
  const kept = groups.slice(0, 3).map((g) => Number.parseInt(g, 16).toString(16))
  return `${kept.join(':')}::`
}
