import { describe, expect, it } from 'vitest'
import { trustedProxies } from '../../src/http/trusted-proxies.js'

describe('trustedProxies', () => {
  const trust = trustedProxies(['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8'])

  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['10.20.30.40', true],
    ['::ffff:10.1.2.3', true], // IPv4-mapped form of a trusted IPv4 range
    ['fd12::1', true],
    ['11.0.0.1', false],
    ['192.0.2.1', false],
    ['2001:db8::1', false],
    ['not-an-ip', false],
  ])('%s → %s, the same on every later ask (remembered)', (address, expected) => {
    for (let i = 0; i < 3; i++) expect(trust(address, 0)).toBe(expected)
  })

  it('stays right past its memory bound (the map is cleared, not trusted blindly)', () => {
    const t = trustedProxies(['10.0.0.0/8'])
    for (let i = 0; i < 3000; i++) {
      const a = `10.${(i >> 8) & 255}.${i & 255}.1`
      const b = `203.0.${(i >> 8) & 255}.${i & 255}`
      expect([t(a, 0), t(b, 0)]).toEqual([true, false])
    }
  })
})
