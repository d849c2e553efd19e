import { requestFingerprints, urls } from '@ghostlink/db'
import { invalidateLink } from '@ghostlink/redis'
import { startThrowawayRedis } from '@ghostlink/testing'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildService, countRedirectEvents, createTestEnv, quiesce, type TestEnv, type TestService } from '../helpers/build-service.js'

/** Per-link options on the redirect tier (issue 14), one replica; two replicas behind nginx: infra/tests/link-options.e2e.test.ts. */
describe('link options on /:code', () => {
  let env: TestEnv
  let svc: TestService

  beforeAll(async () => {
    env = await createTestEnv()
    await env.db.insert(urls).values([
      { short_code: 'plain', original_url: 'https://example.com/p?a=1' },
      { short_code: 'perm', original_url: 'https://example.com/moved', redirect_type: 301 },
      { short_code: 'temp7', original_url: 'https://example.com/t', redirect_type: 307 },
      { short_code: 'perm8', original_url: 'https://example.com/t8', redirect_type: 308 },
      { short_code: 'is302', original_url: 'https://example.com/d', redirect_type: 302, forward_query: false },
      { short_code: 'fwd', original_url: 'https://example.com/land?a=1&b=2#top', forward_query: true },
      { short_code: 'past', original_url: 'https://example.com/old', expires_at: new Date(Date.now() - 60_000) },
      { short_code: 'future', original_url: 'https://example.com/new', expires_at: new Date(Date.now() + 3_600_000) },
      { short_code: 'three', original_url: 'https://example.com/3', max_clicks: 3 },
      { short_code: 'raise', original_url: 'https://example.com/r', max_clicks: 1 },
    ])
    svc = await buildService({ ...env.env, LOCAL_CACHE_TTL_MS: '60000' })
  })

  afterAll(async () => {
    await svc.close()
    await env.drop()
  })

  it.each([
    ['/perm', 301, 'https://example.com/moved'],
    ['/temp7', 307, 'https://example.com/t'],
    ['/r/perm8', 308, 'https://example.com/t8'],
    ['/is302', 302, 'https://example.com/d'],
    ['/plain?x=1', 302, 'https://example.com/p?a=1'],
  ])('%s answers %i', async (path, status, location) => {
    const res = await svc.app.inject(path)
    expect([res.statusCode, res.headers.location]).toEqual([status, location])
  })

  it('forward_query merges the visitor query: visitor wins, utm_* verbatim, fragment last', async () => {
    const res = await svc.app.inject('/fwd?b=9&utm_source=news%20letter&utm_medium=e+mail&c=3')
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toBe('https://example.com/land?a=1&b=9&utm_source=news%20letter&utm_medium=e+mail&c=3#top')
    const bare = await svc.app.inject('/fwd')
    expect(bare.headers.location).toBe('https://example.com/land?a=1&b=2#top')
  })

  it('an expired link answers 410 Link expired and is fingerprinted as a dead link; a future expiry redirects', async () => {
    const res = await svc.app.inject('/past')
    expect([res.statusCode, res.json()]).toEqual([410, { error: 'Link expired', code: 410 }])
    expect((await svc.app.inject('/future')).statusCode).toBe(302)
    const past = () => env.db.select().from(requestFingerprints).where(eq(requestFingerprints.short_code, 'past'))
    await expect.poll(async () => (await past()).length, { timeout: 10_000 }).toBe(1)
    const [fp] = await past()
    expect(fp).toMatchObject({ status_code: 410, is_dead_link: true, is_quarantined: false, is_invalid_short_code: false })
  })

  it('max_clicks serves exactly that many redirects under concurrency, then 410 Click limit reached', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => svc.app.inject('/three')))
    const statuses = answers.map((r) => r.statusCode)
    expect(statuses.filter((s) => s === 302)).toHaveLength(3)
    expect(statuses.filter((s) => s === 410)).toHaveLength(17)
    expect(answers.find((r) => r.statusCode === 410)!.json()).toEqual({ error: 'Click limit reached', code: 410 })
    const three = () => env.db.select().from(requestFingerprints).where(eq(requestFingerprints.short_code, 'three'))
    await expect.poll(async () => (await three()).length, { timeout: 10_000 }).toBe(20)
    await quiesce(env)
    const dead = await three()
    expect(dead.filter((f) => f.is_dead_link)).toHaveLength(17)
    expect(await countRedirectEvents(env.db)).toBeGreaterThanOrEqual(3)
  })

  it('raising max_clicks frees exactly the difference (a refused click does not count)', async () => {
    expect((await svc.app.inject('/raise')).statusCode).toBe(302)
    for (let i = 0; i < 3; i++) expect((await svc.app.inject('/raise')).statusCode).toBe(410)
    await env.db.update(urls).set({ max_clicks: 3 }).where(eq(urls.short_code, 'raise'))
    await invalidateLink(svc.deps.redis, env.prefix, 'raise')
    await expect.poll(async () => (await svc.app.inject('/raise')).statusCode, { timeout: 2_000 }).toBe(302)
    expect((await svc.app.inject('/raise')).statusCode).toBe(302)
    expect((await svc.app.inject('/raise')).statusCode).toBe(410)
  })
})

describe('max_clicks with Redis down', () => {
  it('falls back to a locked Postgres count: exact, click recorded once, and the counter catches up when Redis returns', async () => {
    const env = await createTestEnv()
    const redis = await startThrowawayRedis()
    try {
      const [link] = await env.db.insert(urls).values({ short_code: 'lim', original_url: 'https://example.com/l', max_clicks: 4 }).returning()
      // LOCAL_CACHE_TTL_MS 0: every request reads Redis or Postgres, as a replica does after its copy expired
      const svc = await buildService({ ...env.env, REDIS_URL: redis.url, LOCAL_CACHE_TTL_MS: '0' })
      try {
        expect((await svc.app.inject('/lim')).statusCode).toBe(302) // through Redis: counter 1
        // the Postgres count sees only written clicks (a click still in the stream is the decision doc's accepted limit)
        await expect.poll(() => countRedirectEvents(env.db), { timeout: 10_000 }).toBe(1)
        redis.stop()
        await expect.poll(() => svc.deps.redis?.status === 'ready', { timeout: 5_000 }).toBe(false)
        const down = await Promise.all(Array.from({ length: 6 }, () => svc.app.inject('/lim')))
        expect(down.map((r) => r.statusCode).sort()).toEqual([302, 302, 302, 410, 410, 410])
        await quiesce(env)
        expect(await countRedirectEvents(env.db)).toBe(4)
        // back up: the Redis counter (persisted at 1) must not hand out 3 more
        await redis.start()
        await expect.poll(() => svc.deps.redis?.status === 'ready', { timeout: 10_000 }).toBe(true)
        const after = await svc.app.inject('/lim')
        expect([after.statusCode, after.json()]).toEqual([410, { error: 'Click limit reached', code: 410 }])
        const [fp] = await env.db.select().from(requestFingerprints).where(eq(requestFingerprints.status_code, 302)).limit(1)
        expect(fp).toMatchObject({ short_code: 'lim', is_dead_link: false })
        expect(link!.id).toBeGreaterThan(0)
      } finally {
        await svc.close()
      }
    } finally {
      redis.destroy()
      await env.drop()
    }
  }, 60_000)
})
