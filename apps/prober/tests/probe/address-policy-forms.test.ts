import { describe, expect, it } from 'vitest'
import { classifyAddress } from '../../src/probe/address-policy.js'

// Text forms where a parser could disagree with RFC 4291 (address-policy.test.ts holds the range table)
describe('classifyAddress: text forms', () => {
  it.each([
    // `::a.b.c.d` is IPv4-compatible (ipaddr.js alone would read it as mapped ::ffff:a.b.c.d and pass a public one)
    ['::8.8.8.8', 'reserved'],
    ['0::8.8.8.8', 'reserved'],
    ['::0:8.8.8.8', 'reserved'],
    ['::10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', null],
    ['::FFFF:7F00:1', 'loopback'],
    ['[fe80::1%eth0]', 'link-local'],
    // a zone is only an IPv6 thing; odd IPv4 spellings that getaddrinfo might take are not addresses here
    ['8.8.8.8%eth0', 'invalid'],
    ['0x7f.1', 'invalid'],
    ['2130706433', 'invalid'],
    ['010.0.0.1', 'invalid'],
    ['1::2::3', 'invalid'],
  ])('%s is %s', (address, category) => {
    expect(classifyAddress(address)).toBe(category)
  })
})
