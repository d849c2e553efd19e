import { describe, expect, it } from 'vitest'
import type { ClickBatch } from '../src/click-record.js'
import { decodeClickBatch, encodeClickBatch } from '../src/click-wire.js'

const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'

describe('click stream entries', () => {
  const batch: ClickBatch = {
    id: 'replica:7',
    records: [
      [1764162855678, 'abc', 302, '203.0.113.7', ua, 'https://ref.example/a', 11, 3],
      [1764162855679, 'abc', 302, '203.0.113.7', ua, null, 11, null],
      [1764162855680, 'nope', 404, '198.51.100.2', null, null, null, null],
      [1764162855681, 'q\u00e9"\\', 410, '2001:db8::1', 'ua with "quotes" and \u2028', null, null, null],
      [1764162855682, 'abc', -410, '203.0.113.7', ua, null, null, null], // an inactive link's 410
    ],
  }

  it('decode(encode(batch)) is the batch, and each distinct string is sent once', () => {
    const wire = encodeClickBatch(batch)
    expect(decodeClickBatch(wire)).toEqual(batch)
    expect(wire.split(ua).length - 1).toBe(1)
    expect(JSON.parse(wire).strings).toEqual(['abc', '203.0.113.7', ua, 'https://ref.example/a', 'nope', '198.51.100.2', 'q\u00e9"\\', '2001:db8::1', 'ua with "quotes" and \u2028'])
  })

  it.each([
    ['not JSON', '{"id":'],
    ['another shape', JSON.stringify({ id: 'x', records: [[1, 'abc', 302, '1.2.3.4', null, null, 1, null]] })],
    ['an index outside the strings', JSON.stringify({ id: 'x', strings: ['abc'], records: [[1, 0, 302, 5, null, null, 1, null]] })],
    ['a status never recorded', JSON.stringify({ id: 'x', strings: ['abc', 'ip'], records: [[1, 0, 200, 1, null, null, 1, null]] })],
    ['a negated status other than 410', JSON.stringify({ id: 'x', strings: ['abc', 'ip'], records: [[1, 0, -404, 1, null, null, null, null]] })],
    ['a negative index', JSON.stringify({ id: 'x', strings: ['abc', 'ip'], records: [[1, -1, 302, 1, null, null, 1, null]] })],
  ])('rejects %s', (_, wire) => {
    expect(decodeClickBatch(wire)).toBeUndefined()
  })
})
