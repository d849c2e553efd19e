import { describe, expect, it } from 'vitest'
import { parseEdgeClickLine } from '../src/edge-click-log.js'

// A line as nginx's ghostlink_click log_format (escape=json) writes it for a cache hit.
const line = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    t: 1795787961.583,
    u: '/abc',
    s: 302,
    ip: '203.0.113.7',
    ua: 'Mozilla/5.0 "x"',
    ref: 'https://r.example/',
    url: '42',
    own: '7',
    ...over,
  })

describe('edge click log lines', () => {
  it('become the click record the replica would have handed off', () => {
    expect(parseEdgeClickLine(line())).toEqual([1795787961583, 'abc', 302, '203.0.113.7', 'Mozilla/5.0 "x"', 'https://r.example/', 42, 7])
    expect(parseEdgeClickLine(line({ u: '/r/Code_with-dash' }))?.[1]).toBe('Code_with-dash')
  })

  it('record nginx’s empty values as the replica records missing ones', () => {
    expect(parseEdgeClickLine(line({ ua: '', ref: '', own: '' }))).toEqual([
      1795787961583,
      'abc',
      302,
      '203.0.113.7',
      'unknown',
      null,
      42,
      null,
    ])
    expect(parseEdgeClickLine(line({ url: '' }))?.[6]).toBeNull()
  })

  // the edge refresh stores the replica's 404/410 answers (apps/redirect/src/routes/redirect.ts, refresh mode)
  it.each([
    ['an unknown code', { s: 404, cs: '404' }, 404],
    ['an unknown code, line without cs', { s: 404 }, 404],
    ['a quarantined code', { s: 410, cs: '410' }, 410],
    ['a dead link', { s: 410, cs: '-410' }, -410],
    ['a dead link, line without cs', { s: 410 }, -410],
    ['a 410 with an empty cs', { s: 410, cs: '' }, -410],
    ['a 410 with a cs that is no click status', { s: 410, cs: '302' }, -410],
  ])('a cached 404/410 for %s becomes the record the replica makes for it', (_, over, status) => {
    // the link ids and referrer of a 404/410 are never recorded, whatever the line holds
    expect(parseEdgeClickLine(line({ url: '', own: '', ...over }))).toEqual([
      1795787961583,
      'abc',
      status,
      '203.0.113.7',
      'Mozilla/5.0 "x"',
      null,
      null,
      null,
    ])
    expect(parseEdgeClickLine(line({ ua: '', ...over }))?.[4]).toBe('unknown')
  })

  it('keeps a 302 line as it was when it carries an (empty) cs', () => {
    expect(parseEdgeClickLine(line({ cs: '' }))).toEqual(parseEdgeClickLine(line()))
  })

  it.each([
    ['not JSON', '{"t":1'],
    ['another status (only 302s, 404s and 410s are served from the cache)', line({ s: 301 })],
    ['a 500', line({ s: 500, cs: '404' })],
    ['a 404 on a path that is not a code', line({ s: 404, u: '/urls/abc' })],
    ['a cs of the wrong type', line({ s: 410, cs: 410 })],
    ['a path that is not a code', line({ u: '/urls/abc' })],
    ['a code longer than the fingerprint column', line({ u: `/${'a'.repeat(65)}` })],
    ['a field of the wrong type', line({ t: 'yesterday' })],
    ['a field missing', JSON.stringify({ t: 1, u: '/abc', s: 302 })],
  ])('skip %s', (_, text) => {
    expect(parseEdgeClickLine(text)).toBeUndefined()
  })
})
