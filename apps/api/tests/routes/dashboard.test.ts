import { canaryState, clickStatsHourly, quarantineAudit, requestFingerprints, riskScores, urls } from '@ghostlink/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, bearer, buildTokenApp, createUser, quarantine, userKey } from '../helpers/auth.js'
import type { TestApp } from '../helpers/build-app.js'

// The web dashboard's read routes (docs/API_REFERENCE.md#dashboard), on a real database.
let t: TestApp
let alice: number
let bob: number
let aliceKey: string
const ids: Record<string, number> = {}

beforeAll(async () => {
  t = await buildTokenApp()
  alice = await createUser(t, 'alice')
  bob = await createUser(t, 'bob')
  aliceKey = (await userKey(t, alice)).key
  const rows = await t.db
    .insert(urls)
    .values([
      { user_id: alice, short_code: 'promoA', original_url: 'https://shop.example.com/spring', title: 'Spring 100%' },
      { user_id: alice, short_code: 'plainB', original_url: 'https://example.org/b', title: null, is_active: false },
      { user_id: alice, short_code: 'badC', original_url: 'https://example.net/c', title: 'Promo c' },
      { user_id: bob, short_code: 'promoD', original_url: 'https://shop.example.com/bob', title: null },
    ])
    .returning({ id: urls.id, code: urls.short_code })
  for (const r of rows) ids[r.code] = r.id
  await quarantine(t, 'badC')
  await t.db.insert(riskScores).values([
    { url_id: ids.promoA!, score: 10, tier: 'SAFE', signals: {} },
    { url_id: ids.badC!, score: 90, tier: 'THREAT', signals: { suspicious_tld: 'top' } },
    { url_id: ids.promoD!, score: 95, tier: 'THREAT', signals: { delete_recreate_pattern: true } },
  ])
  const hour = (msAgo: number) => new Date(Math.floor((Date.now() - msAgo) / 3_600_000) * 3_600_000)
  await t.db.insert(clickStatsHourly).values([
    { url_id: ids.promoA!, hour: hour(3_600_000), clicks: 2, humans: 1, bots: 1 },
    { url_id: ids.promoA!, hour: hour(6 * 86_400_000), clicks: 1, humans: 1, bots: 0 },
    { url_id: ids.promoA!, hour: hour(8 * 86_400_000), clicks: 5, humans: 5, bots: 0 }, // outside the 7 days
  ])
})
afterAll(async () => t?.close())

const get = async (path: string, key = aliceKey) => {
  const res = await t.app.inject({ method: 'GET', url: path, headers: bearer(key) })
  return { status: res.statusCode, body: res.json() }
}

describe('GET /dashboard/links', () => {
  it('shows a user key its own links only, newest first, with state, 7-day clicks and risk tier, whatever user_id says', async () => {
    const { status, body } = await get(`/dashboard/links?user_id=${bob}`)
    expect(status).toBe(200)
    expect(body.total).toBe(3)
    expect(body.items.map((l: { short_code: string }) => l.short_code)).toEqual(['badC', 'plainB', 'promoA'])
    const promo = body.items.find((l: { short_code: string }) => l.short_code === 'promoA')
    expect(promo).toMatchObject({
      clicks_7d: 3,
      risk_tier: 'SAFE',
      risk_score: 10,
      quarantined: false,
      is_active: true,
      title: 'Spring 100%',
    })
    expect(body.items[0]).toMatchObject({ short_code: 'badC', quarantined: true, risk_tier: 'THREAT', clicks_7d: 0 })
    expect(body.items[1]).toMatchObject({ short_code: 'plainB', is_active: false, risk_tier: null })
  })

  it('searches code, destination and title case-insensitively, with LIKE wildcards taken literally', async () => {
    const codes = async (q: string) =>
      (await get(`/dashboard/links?q=${encodeURIComponent(q)}`)).body.items.map((l: { short_code: string }) => l.short_code)
    expect(await codes('PROMO')).toEqual(['badC', 'promoA'])
    expect(await codes('example.org')).toEqual(['plainB'])
    expect(await codes('100%')).toEqual(['promoA'])
    expect(await codes('%')).toEqual(['promoA'])
    expect(await codes('_')).toEqual([])
  })

  it('filters by state and pages with a total', async () => {
    expect((await get('/dashboard/links?state=quarantined')).body.items.map((l: { short_code: string }) => l.short_code)).toEqual(['badC'])
    expect((await get('/dashboard/links?state=inactive')).body.total).toBe(1)
    expect((await get('/dashboard/links?state=active')).body.items.map((l: { short_code: string }) => l.short_code)).toEqual(['promoA'])
    const page2 = (await get('/dashboard/links?per_page=2&page=2')).body
    expect([page2.total, page2.page, page2.per_page, page2.items.length]).toEqual([3, 2, 2, 1])
    expect((await get(`/dashboard/links?id=${ids.promoA}`)).body.items).toHaveLength(1)
    expect((await get(`/dashboard/links?id=${ids.promoD}`)).body.items).toHaveLength(0) // bob's
    // nonsense falls back to the defaults instead of failing
    expect((await get('/dashboard/links?page=-3&per_page=abc&state=nope')).body).toMatchObject({ total: 3, page: 1, per_page: 25 })
  })

  it("shows an admin every link, or one user's with user_id", async () => {
    expect((await get('/dashboard/links', ADMIN_KEY)).body.total).toBe(4)
    expect((await get(`/dashboard/links?user_id=${bob}`, ADMIN_KEY)).body.items.map((l: { short_code: string }) => l.short_code)).toEqual([
      'promoD',
    ])
  })
})

describe('GET /dashboard/links, expired links (issue 14)', () => {
  it('tells expired links apart from active ones', async () => {
    const [old] = await t.db
      .insert(urls)
      .values({
        user_id: bob,
        short_code: 'oldE',
        original_url: 'https://example.com/e',
        expires_at: new Date(Date.now() - 60_000),
        max_clicks: 3,
      })
      .returning({ id: urls.id })
    const expired = (await get(`/dashboard/links?user_id=${bob}&state=expired`, ADMIN_KEY)).body
    expect(expired.items).toEqual([expect.objectContaining({ id: old!.id, max_clicks: 3, expires_at: expect.any(String) })])
    const active = (await get(`/dashboard/links?user_id=${bob}&state=active`, ADMIN_KEY)).body
    expect(active.items.map((l: { short_code: string }) => l.short_code)).toEqual(['promoD'])
  })
})

describe('operator reads', () => {
  it('GET /dashboard/risk-links lists one tier by score with signals, and counts every tier', async () => {
    const { status, body } = await get('/dashboard/risk-links?tier=THREAT', ADMIN_KEY)
    expect(status).toBe(200)
    expect(body.tiers).toEqual({ SAFE: 1, WATCHLIST: 0, THREAT: 2 })
    expect(body.items.map((r: { short_code: string }) => r.short_code)).toEqual(['promoD', 'badC'])
    expect(body.items[1].signals).toEqual({ suspicious_tld: 'top' })
    expect((await get('/dashboard/risk-links?tier=bogus', ADMIN_KEY)).body.tier).toBe('THREAT')
  })

  it('GET /dashboard/quarantine-audit answers the audit trail, newest first', async () => {
    await t.db.insert(quarantineAudit).values([
      { short_code: 'badC', action: 'quarantine', actor: 'ops', reason: 'phish', at: new Date(Date.now() - 60_000) },
      { short_code: 'badC', action: 'unquarantine', actor: 'ops2', reason: null, at: new Date() },
    ])
    const { body } = await get('/dashboard/quarantine-audit', ADMIN_KEY)
    expect(body.slice(0, 2).map((a: { action: string; actor: string }) => [a.action, a.actor])).toEqual([
      ['unquarantine', 'ops2'],
      ['quarantine', 'ops'],
    ])
  })

  it('GET /dashboard/ops reports canaries, prober results and suspicious clients', async () => {
    await t.db.insert(canaryState).values({
      canary: 'promo-demo',
      success_total: 5,
      failure_total: 1,
      last_status: 200,
      last_latency_seconds: 0.02,
      last_run_at: new Date(),
    })
    // 25 invalid-code hits from one IP in the window: a suspicious client (docs/CONTRACT.md#c-4-4)
    await t.db.insert(requestFingerprints).values(
      Array.from({ length: 25 }, (_, i) => ({
        short_code: `nope${i}`,
        client_ip: '203.0.113.9',
        status_code: 404,
        is_invalid_short_code: true,
        is_dead_link: true,
      })),
    )
    const { status, body } = await get('/dashboard/ops', ADMIN_KEY)
    expect(status).toBe(200)
    expect(body.canaries).toEqual([expect.objectContaining({ canary: 'promo-demo', success_total: 5, last_status: 200 })])
    expect(body.prober).toMatchObject({ window_hours: 24, checks: {}, last_check_at: null })
    expect(body.suspicious_clients.top_ips).toEqual([{ ip: '203.0.113.9', score: 40 }])
  })
})
