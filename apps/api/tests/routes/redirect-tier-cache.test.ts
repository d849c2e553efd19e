import { riskScores, urls } from '@ghostlink/db'
import { redisKeys } from '@ghostlink/redis'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type TestApp } from '../helpers/build-app.js'

// What the API leaves in Redis for the other tiers: the redirect tier's cached answers it drops, the risk score it
// caches. The platform's internals, read in Redis directly, so this file is not in the contract suite that also runs
// against the one-process mode (apps/standalone/vitest.config.ts), which has no Redis: there the same changes are
// seen through the redirect itself (apps/standalone/tests/link-options.test.ts).
describe('the redirect and risk caches the API keeps in Redis', () => {
  let t: TestApp
  let seq = 0
  const insertUrl = async () => {
    const [row] = await t.db.insert(urls).values({ short_code: `rc${++seq}`, original_url: `https://fixture.io/${seq}` }).returning()
    return row!
  }
  const cacheAnswer = async (code: string, answer: object) => {
    const key = redisKeys(t.prefix).link(code)
    await t.redis!.set(key, JSON.stringify(answer), 'EX', 60)
    return key
  }

  beforeAll(async () => {
    t = await buildApp()
  })
  afterAll(() => t.close())

  it('PUT/PATCH /urls/:id drops the cached redirect answer', async () => {
    for (const method of ['PUT', 'PATCH'] as const) {
      const url = await insertUrl()
      const key = await cacheAnswer(url.short_code, { kind: 'found', id: url.id })
      expect((await t.app.inject({ method, url: `/urls/${url.id}`, payload: { is_active: false } })).statusCode).toBe(200)
      expect(await t.redis!.exists(key), method).toBe(0)
    }
  })

  it('DELETE /urls/:id drops the cached redirect answer', async () => {
    const url = await insertUrl()
    const key = await cacheAnswer(url.short_code, { kind: 'found', id: url.id })
    expect((await t.app.inject({ method: 'DELETE', url: `/urls/${url.id}` })).statusCode).toBe(200)
    expect(await t.redis!.exists(key)).toBe(0)
  })

  it('POST /shorten drops a negative cache entry for the code it creates', async () => {
    const key = await cacheAnswer('fresh1', { kind: 'missing', quarantined: false })
    expect((await t.app.inject({ method: 'POST', url: '/shorten', payload: { original_url: 'https://x.io', short_code: 'fresh1' } })).statusCode).toBe(201)
    expect(await t.redis!.exists(key)).toBe(0)
  })

  it('POST /shorten scores the new URL inline when no risk queue is configured (row + risk:<id> cache)', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/shorten', payload: { original_url: 'https://promo.top/win' } })
    const id = res.json().id
    const [score] = await t.db.select().from(riskScores).where(eq(riskScores.url_id, id))
    expect(score).toMatchObject({ score: 20, tier: 'SAFE', signals: { suspicious_tld: 'top' } })
    const cached = JSON.parse((await t.redis!.get(redisKeys(t.prefix).risk(id)))!)
    expect(cached).toMatchObject({ url_id: id, score: 20, tier: 'SAFE', signals: { suspicious_tld: 'top' } })
    expect(await t.redis!.ttl(redisKeys(t.prefix).risk(id))).toBeGreaterThan(590)
  })
})
