import { describe, expect, it } from 'vitest'
import { type RiskInputs, scoreRisk, tierFor, tldOf } from '../src/index.js'

const base: RiskInputs = { originalUrl: 'https://example.com/a', latestHealth: null, deadLinkHits: 0, deletedEvents: 0, createdEvents: 1 }
const health = (health_status: string, status_code: number | null, redirect_chain_length = 0) => ({
  health_status,
  status_code,
  redirect_chain_length,
})

describe('scoreRisk (docs/CONTRACT.md#c-4-1)', () => {
  it('scores a clean link SAFE with no signals', () => {
    expect(scoreRisk(base)).toEqual({ score: 0, tier: 'SAFE', signals: {} })
  })

  it.each([
    ['DEAD status', health('DEAD', null), { destination_dead: true, status_code: null }],
    ['SSL_INVALID', health('SSL_INVALID', null), { destination_dead: true, status_code: null }],
    ['a 5xx on an OK-classified row', health('OK', 503), { destination_dead: true, status_code: 503 }],
    ['a 404', health('DEAD', 404), { destination_dead: true, status_code: 404 }],
  ])('adds 30 for a dead destination: %s', (_name, latestHealth, signals) => {
    expect(scoreRisk({ ...base, latestHealth })).toEqual({ score: 30, tier: 'SAFE', signals })
  })

  it('adds 20 for a chain longer than 3, not for 3', () => {
    expect(scoreRisk({ ...base, latestHealth: health('CHAINED', 200, 4) }).signals).toEqual({ long_redirect_chain: true, chain_length: 4 })
    expect(scoreRisk({ ...base, latestHealth: health('CHAINED', 200, 3) }).score).toBe(0)
  })

  it('adds 15 for ghost-probe pressure from 10 dead-link hits', () => {
    expect(scoreRisk({ ...base, deadLinkHits: 9 }).score).toBe(0)
    expect(scoreRisk({ ...base, deadLinkHits: 10 })).toEqual({
      score: 15,
      tier: 'SAFE',
      signals: { ghost_probe_pressure: true, ghost_probe_count: 10 },
    })
  })

  it.each(['zip', 'top', 'click', 'xyz', 'gq', 'tk', 'ml', 'work', 'link'])('adds 20 for the suspicious TLD .%s', (tld) => {
    expect(scoreRisk({ ...base, originalUrl: `https://Evil.${tld.toUpperCase()}/x` })).toEqual({
      score: 20,
      tier: 'SAFE',
      signals: { suspicious_tld: tld },
    })
  })

  it('adds 15 for delete/recreate churn: 2 deletes, or 1 delete and 2 creates', () => {
    expect(scoreRisk({ ...base, deletedEvents: 1 }).score).toBe(0)
    expect(scoreRisk({ ...base, deletedEvents: 2 }).signals).toEqual({ delete_recreate_pattern: true, delete_count: 2, create_count: 1 })
    expect(scoreRisk({ ...base, deletedEvents: 1, createdEvents: 2 }).score).toBe(15)
  })

  it('sums every signal to exactly 100 and rates it THREAT', () => {
    const all = scoreRisk({
      originalUrl: 'http://a.top/',
      latestHealth: health('DEAD', 500, 5),
      deadLinkHits: 12,
      deletedEvents: 2,
      createdEvents: 1,
    })
    expect([all.score, all.tier]).toEqual([100, 'THREAT'])
    expect(Object.keys(all.signals).sort()).toEqual([
      'chain_length',
      'create_count',
      'delete_count',
      'delete_recreate_pattern',
      'destination_dead',
      'ghost_probe_count',
      'ghost_probe_pressure',
      'long_redirect_chain',
      'status_code',
      'suspicious_tld',
    ])
  })

  it.each([
    [0, 'SAFE'],
    [30, 'SAFE'],
    [31, 'WATCHLIST'],
    [60, 'WATCHLIST'],
    [61, 'THREAT'],
    [100, 'THREAT'],
  ])('tiers a score of %i as %s', (score, tier) => {
    expect(tierFor(score)).toBe(tier)
  })

  it('finds no TLD on a dotless or unparsable host', () => {
    expect([tldOf('http://localhost/'), tldOf('not a url'), tldOf('https://x.CLICK')]).toEqual([null, null, 'click'])
  })
})
