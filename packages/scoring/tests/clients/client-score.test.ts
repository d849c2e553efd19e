import { describe, expect, it } from 'vitest'
import { clientScore } from '../../src/clients/client-score.js'

describe('clientScore (docs/CONTRACT.md#c-4-4)', () => {
  it.each([
    ['nothing over a threshold', { invalid_hits: 19, ghost_hits: 29, request_count: 299, blocked_hits: 9 }, 0],
    ['20 invalid hits', { invalid_hits: 20, ghost_hits: 0, request_count: 20, blocked_hits: 0 }, 40],
    ['30 ghost hits', { invalid_hits: 0, ghost_hits: 30, request_count: 30, blocked_hits: 0 }, 25],
    ['300 requests', { invalid_hits: 0, ghost_hits: 0, request_count: 300, blocked_hits: 0 }, 20],
    ['10 blocked hits', { invalid_hits: 0, ghost_hits: 0, request_count: 10, blocked_hits: 10 }, 15],
    ['everything', { invalid_hits: 500, ghost_hits: 500, request_count: 5000, blocked_hits: 50 }, 100],
  ])('%s → %i', (_name, counts, score) => {
    expect(clientScore(counts)).toBe(score)
  })
})
