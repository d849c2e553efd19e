import { quarantinedCodes, riskScores } from '@ghostlink/db'
import { createRiskMetrics } from '@ghostlink/metrics'
import { redisKeys } from '@ghostlink/redis'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scoreUrl, type ScoreUrlDeps } from '../../src/jobs/score-url.js'
import { addDeadHits, addEvents, addHealth, createTestEnv, insertUrl, type TestEnv } from '../helpers/test-env.js'

let env: TestEnv
beforeAll(async () => {
  env = await createTestEnv()
})
afterAll(() => env.close())

const deps = (over: Partial<ScoreUrlDeps> = {}): ScoreUrlDeps => ({
  db: env.db,
  redis: env.redis,
  prefix: env.prefix,
  enabled: true,
  autoBlocking: false,
  ...over,
})

describe('scoreUrl: each signal of docs/CONTRACT.md#c-4-1 from real rows', () => {
  it('scores a clean link 0 / SAFE with empty signals', async () => {
    const url = await insertUrl(env.db)
    await addHealth(env.db, url.id, 'OK', 200)
    expect(await scoreUrl({ url_id: url.id, reason: 'created' }, deps())).toMatchObject({ score: 0, tier: 'SAFE', signals: {} })
  })

  it('dead destination: latest health row DEAD (+30)', async () => {
    const url = await insertUrl(env.db)
    await addHealth(env.db, url.id, 'OK', 200)
    await addHealth(env.db, url.id, 'DEAD', 404)
    expect(await scoreUrl({ url_id: url.id, reason: 'health' }, deps())).toMatchObject({
      score: 30,
      tier: 'SAFE',
      signals: { destination_dead: true, status_code: 404 },
    })
  })

  it('dead destination counts SSL_INVALID with a null status', async () => {
    const url = await insertUrl(env.db)
    await addHealth(env.db, url.id, 'SSL_INVALID', null)
    expect(await scoreUrl({ url_id: url.id, reason: 'health' }, deps())).toMatchObject({
      score: 30,
      signals: { destination_dead: true, status_code: null },
    })
  })

  it('long redirect chain: more than 3 hops (+20), 3 hops is not enough', async () => {
    const long = await insertUrl(env.db)
    await addHealth(env.db, long.id, 'CHAINED', 200, 5)
    expect(await scoreUrl({ url_id: long.id, reason: 'health' }, deps())).toMatchObject({
      score: 20,
      signals: { long_redirect_chain: true, chain_length: 5 },
    })
    const three = await insertUrl(env.db)
    await addHealth(env.db, three.id, 'CHAINED', 200, 3)
    expect(await scoreUrl({ url_id: three.id, reason: 'health' }, deps())).toMatchObject({ score: 0 })
  })

  it('ghost-probe pressure: 10 dead-link hits on the code from the redirect tier (+15), 9 are not enough', async () => {
    const url = await insertUrl(env.db)
    await addDeadHits(env.db, url.short_code, 9)
    await addDeadHits(env.db, url.short_code, 5, { status_code: 302, is_dead_link: false })
    expect(await scoreUrl({ url_id: url.id, reason: 'schedule' }, deps())).toMatchObject({ score: 0 })
    await addDeadHits(env.db, url.short_code, 1, { status_code: 410, is_quarantined: true })
    expect(await scoreUrl({ url_id: url.id, reason: 'schedule' }, deps())).toMatchObject({
      score: 15,
      signals: { ghost_probe_pressure: true, ghost_probe_count: 10 },
    })
  })

  it('ignores ghost_probe events anyone could POST', async () => {
    const url = await insertUrl(env.db)
    await addEvents(env.db, url.id, 'ghost_probe', 50)
    expect(await scoreUrl({ url_id: url.id, reason: 'updated' }, deps())).toMatchObject({ score: 0 })
  })

  it('suspicious TLD (+20)', async () => {
    const url = await insertUrl(env.db, 'https://prize.ZIP/claim')
    expect(await scoreUrl({ url_id: url.id, reason: 'created' }, deps())).toMatchObject({ score: 20, signals: { suspicious_tld: 'zip' } })
  })

  it('delete/recreate churn: two deleted events (+15)', async () => {
    const url = await insertUrl(env.db)
    await addEvents(env.db, url.id, 'created', 1)
    await addEvents(env.db, url.id, 'deleted', 2)
    expect(await scoreUrl({ url_id: url.id, reason: 'deleted' }, deps())).toMatchObject({
      score: 15,
      signals: { delete_recreate_pattern: true, delete_count: 2, create_count: 1 },
    })
  })

  it('WATCHLIST at 31–60 and all five signals sum to 100 / THREAT, stored and cached', async () => {
    const watch = await insertUrl(env.db, 'https://shop.top/x')
    await addHealth(env.db, watch.id, 'DEAD', 500)
    expect(await scoreUrl({ url_id: watch.id, reason: 'health' }, deps())).toMatchObject({ score: 50, tier: 'WATCHLIST' })

    const url = await insertUrl(env.db, 'https://bad.xyz/a')
    await addHealth(env.db, url.id, 'DEAD', 404, 4)
    await addDeadHits(env.db, url.short_code, 12)
    await addEvents(env.db, url.id, 'deleted', 2)
    const outcome = await scoreUrl({ url_id: url.id, reason: 'health' }, deps())
    const signals = {
      destination_dead: true,
      status_code: 404,
      long_redirect_chain: true,
      chain_length: 4,
      ghost_probe_pressure: true,
      ghost_probe_count: 12,
      suspicious_tld: 'xyz',
      delete_recreate_pattern: true,
      delete_count: 2,
      create_count: 0,
    }
    expect(outcome).toEqual({ url_id: url.id, score: 100, tier: 'THREAT', signals, auto_quarantined: false })

    const [stored] = await env.db.select().from(riskScores).where(eq(riskScores.url_id, url.id))
    expect(stored).toMatchObject({ score: 100, tier: 'THREAT', signals })
    const cached = JSON.parse((await env.redis.get(redisKeys(env.prefix).risk(url.id)))!)
    expect(cached).toMatchObject({ url_id: url.id, score: 100, tier: 'THREAT', signals })
    expect(cached.computed_at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/)
    const ttl = await env.redis.ttl(redisKeys(env.prefix).risk(url.id))
    expect(ttl).toBeGreaterThan(590)
    expect(ttl).toBeLessThanOrEqual(600)
  })

  it('recomputing updates the stored row in place (one row per URL)', async () => {
    const url = await insertUrl(env.db)
    await scoreUrl({ url_id: url.id, reason: 'created' }, deps())
    await addHealth(env.db, url.id, 'DEAD', 404)
    await scoreUrl({ url_id: url.id, reason: 'health' }, deps())
    const rows = await env.db.select().from(riskScores).where(eq(riskScores.url_id, url.id))
    expect(rows.map((r) => r.score)).toEqual([30])
  })

  it('skips when scoring is disabled, and drops the cache of a URL that no longer exists', async () => {
    expect(await scoreUrl({ url_id: 1, reason: 'manual' }, deps({ enabled: false }))).toEqual({ url_id: 1, skipped: 'disabled' })
    await env.redis.set(redisKeys(env.prefix).risk(999_999), '{}')
    expect(await scoreUrl({ url_id: 999_999, reason: 'manual' }, deps())).toEqual({ url_id: 999_999, skipped: 'missing' })
    expect(await env.redis.exists(redisKeys(env.prefix).risk(999_999))).toBe(0)
  })
})

describe('scoreUrl: metrics', () => {
  it('counts every computation by tier, and THREAT results in risk_score_threats_total', async () => {
    const metrics = createRiskMetrics(
      { version: 'v1', git_sha: 'x', deployed_at: 'now', release_owner: 'me', release_notes_url: '' },
      { ENABLE_RISK_SCORING: true },
    )
    const value = async (name: string, labels = '') => {
      const text = await metrics.registry.getSingleMetricAsString(name)
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels))
      return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
    }
    expect(await value('risk_score_threats_total')).toBe(0)
    const safe = await insertUrl(env.db)
    const watch = await insertUrl(env.db, 'https://shop.top/x')
    await addHealth(env.db, watch.id, 'DEAD', 500)
    const threat = await insertUrl(env.db, 'https://bad.xyz/a')
    await addHealth(env.db, threat.id, 'DEAD', 404, 4)
    await addDeadHits(env.db, threat.short_code, 10)
    for (const url of [safe, watch, threat, threat]) await scoreUrl({ url_id: url.id, reason: 'manual' }, deps({ metrics }))
    expect(await value('risk_score_threats_total')).toBe(2)
    expect(await value('risk_scores_computed_total', 'tier="THREAT"')).toBe(2)
    expect(await value('risk_scores_computed_total', 'tier="WATCHLIST"')).toBe(1)
    expect(await value('risk_scores_computed_total', 'tier="SAFE"')).toBe(1)
  })
})

describe('scoreUrl: automatic quarantine (ENABLE_AUTO_BLOCKING)', () => {
  const threat = async (active = true) => {
    const url = await insertUrl(env.db, 'https://bad.click/x', active)
    await addHealth(env.db, url.id, 'DEAD', 404, 5)
    await addDeadHits(env.db, url.short_code, 10)
    return url
  }

  it('quarantines an active THREAT link once, as source auto, and asks for a map sync', async () => {
    const url = await threat()
    const synced: string[] = []
    const d = deps({ autoBlocking: true, onQuarantined: async (code) => void synced.push(code) })
    expect(await scoreUrl({ url_id: url.id, reason: 'health' }, d)).toMatchObject({ tier: 'THREAT', auto_quarantined: true })
    expect(await scoreUrl({ url_id: url.id, reason: 'schedule' }, d)).toMatchObject({ tier: 'THREAT', auto_quarantined: false })
    const [row] = await env.db.select().from(quarantinedCodes).where(eq(quarantinedCodes.short_code, url.short_code))
    expect(row).toMatchObject({ source: 'auto', actor: 'risk-worker', reason: 'risk score 85 (THREAT)' })
    expect(synced).toEqual([url.short_code])
  })

  it('leaves THREAT links alone when the flag is off, and never quarantines an inactive link', async () => {
    const off = await threat()
    await scoreUrl({ url_id: off.id, reason: 'health' }, deps({ autoBlocking: false }))
    const inactive = await threat(false)
    expect(await scoreUrl({ url_id: inactive.id, reason: 'health' }, deps({ autoBlocking: true }))).toMatchObject({
      auto_quarantined: false,
    })
    const rows = await env.db.select().from(quarantinedCodes)
    expect(rows.map((r) => r.short_code)).not.toContain(off.short_code)
    expect(rows.map((r) => r.short_code)).not.toContain(inactive.short_code)
  })
})
