import { describe, expect, it } from 'vitest'
import { parseEdgeClickLine } from '../src/edge-click-log.js'

// A line as nginx's ghostlink_click log_format (escape=json) writes it for a cache hit.
const line = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ t: 1795787961.583, u: '/abc', s: 302, ip: '203.0.113.7', ua: 'Mozilla/5.0 "x"', ref: 'https://r.example/', url: '42', own: '7', ...over })

describe('edge click log lines', () => {
  it('become the click record the replica would have handed off', () => {
    expect(parseEdgeClickLine(line())).toEqual([1795787961583, 'abc', 302, '203.0.113.7', 'Mozilla/5.0 "x"', 'https://r.example/', 42, 7])
    expect(parseEdgeClickLine(line({ u: '/r/Code_with-dash' }))?.[1]).toBe('Code_with-dash')
  })

  it('record nginx’s empty values as the replica records missing ones', () => {
    expect(parseEdgeClickLine(line({ ua: '', ref: '', own: '' }))).toEqual([1795787961583, 'abc', 302, '203.0.113.7', 'unknown', null, 42, null])
    expect(parseEdgeClickLine(line({ url: '' }))?.[6]).toBeNull()
  })

  it.each([
    ['not JSON', '{"t":1'],
    ['another status (only 302s are cached)', line({ s: 404 })],
    ['a path that is not a code', line({ u: '/urls/abc' })],
    ['a code longer than the fingerprint column', line({ u: `/${'a'.repeat(65)}` })],
    ['a field of the wrong type', line({ t: 'yesterday' })],
    ['a field missing', JSON.stringify({ t: 1, u: '/abc', s: 302 })],
  ])('skip %s', (_, text) => {
    expect(parseEdgeClickLine(text)).toBeUndefined()
  })
})
