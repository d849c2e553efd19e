import { describe, expect, it } from 'vitest'
import { parseTimestamp } from '../src/queries/timestamp.js'

describe('parseTimestamp', () => {
  it.each([
    ['2025-03-04 05:06:07', '2025-03-04T05:06:07.000Z'],
    ['2025-03-04T05:06:07', '2025-03-04T05:06:07.000Z'],
    ['2025-03-04', '2025-03-04T00:00:00.000Z'],
    ['2025-03-04T05:06', '2025-03-04T05:06:00.000Z'],
    ['2025-03-04T05:06:07.123456Z', '2025-03-04T05:06:07.123Z'],
    ['2025-03-04T05:06:07+02:00', '2025-03-04T03:06:07.000Z'],
    ['2025-03-04T05:06:07-0130', '2025-03-04T06:36:07.000Z'],
    ['  2024-02-29 23:59:59  ', '2024-02-29T23:59:59.000Z'],
  ])('reads %j as %s (naive values are UTC)', (input, iso) => {
    expect(parseTimestamp(input)?.toISOString()).toBe(iso)
  })

  it.each([
    '2024-02-30',
    '2023-02-29',
    '2025-13-01',
    '2025-00-10',
    '2025-01-00',
    '2025-01-01 24:00:00',
    '2025-01-01 23:60:00',
    '2025-01-01 23:59:60',
    '2025-01-01T00:00:00+15:00',
    '0000-01-01',
    'yesterday',
    '2025/01/01',
    '',
  ])('refuses %j (never a cast error in Postgres)', (input) => {
    expect(parseTimestamp(input)).toBeUndefined()
  })
})
