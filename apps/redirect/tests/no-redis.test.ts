import { createServer, type Server } from 'node:net'
import { clickStatsHourly, events, quarantinedCodes, requestFingerprints, urls } from '@ghostlink/db'
import { freePort } from '@ghostlink/testing'
import { and, count, eq, sum } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildLocalService, countRedirectEvents, createTestEnv, type TestEnv } from './helpers/build-service.js'

// The redirect tier with no Redis by configuration (openLocalDeps, one process): no client is created, so a server
// listening on REDIS_URL must never see a connection.
describe('redirect tier without Redis', () => {
  let env: TestEnv
  let decoy: Server
  let decoyConnections = 0
  let redisUrl: string

  beforeAll(async () => {
    env = await createTestEnv()
    decoy = createServer((socket) => {
      decoyConnections++
      socket.destroy()
    })
    const port = await freePort()
    await new Promise<void>((r) => decoy.listen(port, '127.0.0.1', () => r()))
    redisUrl = `redis://127.0.0.1:${port}/0`
    await env.db.insert(urls).values([
      { short_code: 'live', original_url: 'https://example.com/live' },
      { short_code: 'off', original_url: 'https://example.com/off', is_active: false },
      { short_code: 'held', original_url: 'https://example.com/held' },
      { short_code: 'lim', original_url: 'https://example.com/lim', max_clicks: 7 },
    ])
    await env.db.insert(quarantinedCodes).values({ short_code: 'held', actor: 'test' })
  })
  afterAll(async () => {
    await new Promise((r) => decoy.close(r))
    await env.drop()
  })

  it('answers redirects, reports redis "disabled" on /health, serves /metrics, and never connects to Redis', async () => {
    const svc = await buildLocalService({ ...env.env, REDIS_URL: redisUrl })
    try {
      expect(svc.deps.redis).toBeUndefined()
      const live = await svc.app.inject('/live')
      expect([live.statusCode, live.headers.location]).toEqual([302, 'https://example.com/live'])
      expect((await svc.app.inject('/r/live')).statusCode).toBe(302)
      expect((await svc.app.inject('/nope')).statusCode).toBe(404)
      expect((await svc.app.inject('/off')).json()).toEqual({ error: 'Link inactive', code: 410 })
      expect((await svc.app.inject('/held')).statusCode).toBe(410)

      const health = await svc.app.inject('/health')
      expect([health.statusCode, health.json()]).toEqual([200, { status: 'ok', db: 'ok', redis: 'disabled', version: 'v1-dev' }])
      expect((await svc.app.inject('/ready')).statusCode).toBe(200)
      const metrics = await svc.app.inject('/metrics')
      expect(metrics.statusCode).toBe(200)
      expect(metrics.body).toMatch(/url_redirects_total\{[^}]*status="302"[^}]*\} 2/)
      expect(metrics.body).toMatch(/redirect_click_queue_depth\{where="memory"[^}]*\} \d/)
    } finally {
      await svc.close()
    }
    expect(decoyConnections).toBe(0)
  })

  it('records every click exactly once by close(), with its statistics rollup', async () => {
    const before = await countRedirectEvents(env.db)
    const [{ n: fpBefore }] = (await env.db.select({ n: count() }).from(requestFingerprints)) as [{ n: number }]
    // a flush interval far beyond the test: only close() can have written the clicks
    const svc = await buildLocalService({ ...env.env, CLICK_FLUSH_INTERVAL_MS: '600000' })
    const answers = await Promise.all(Array.from({ length: 400 }, (_, i) => svc.app.inject(i % 4 === 3 ? '/nope' : '/live')))
    expect(answers.filter((r) => r.statusCode === 302)).toHaveLength(300)
    expect(await countRedirectEvents(env.db)).toBe(before)
    await svc.close()
    expect((await countRedirectEvents(env.db)) - before).toBe(300)
    const [{ n: fpAfter }] = (await env.db.select({ n: count() }).from(requestFingerprints)) as [{ n: number }]
    expect(fpAfter - fpBefore).toBe(400)
    const [link] = await env.db.select().from(urls).where(eq(urls.short_code, 'live'))
    const [rollup] = await env.db.select({ clicks: sum(clickStatsHourly.clicks) }).from(clickStatsHourly).where(eq(clickStatsHourly.url_id, link!.id))
    // the first test's two redirects were flushed by its close() too
    expect(Number(rollup!.clicks)).toBe(302)
  })

  it('max_clicks: 40 concurrent redirects over a limit of 7 serve exactly 7 and record 7', async () => {
    const svc = await buildLocalService({ ...env.env, DATABASE_POOL_MAX: '8' })
    try {
      const answers = await Promise.all(Array.from({ length: 40 }, () => svc.app.inject('/lim')))
      const statuses = answers.map((r) => r.statusCode)
      expect(statuses.filter((s) => s === 302)).toHaveLength(7)
      expect(statuses.filter((s) => s === 410)).toHaveLength(33)
    } finally {
      await svc.close()
    }
    const [link] = await env.db.select().from(urls).where(eq(urls.short_code, 'lim'))
    const [row] = await env.db
      .select({ n: count() })
      .from(events)
      .where(and(eq(events.event_type, 'redirect'), eq(events.url_id, link!.id)))
    expect(row!.n).toBe(7)
  })
})
