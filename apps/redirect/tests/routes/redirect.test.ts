import { events, quarantinedCodes, requestFingerprints, urls, users } from '@ghostlink/db'
import { asc } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildService, countFingerprints, createTestEnv, type TestEnv, type TestService, quiesce } from '../helpers/build-service.js'

describe('GET /:code and /r/:code', () => {
  let env: TestEnv
  let svc: TestService
  let ownerId: number
  let activeId: number

  beforeAll(async () => {
    env = await createTestEnv()
    const [owner] = await env.db.insert(users).values({ username: 'o', email: 'o@example.com' }).returning()
    ownerId = owner!.id
    const rows = await env.db
      .insert(urls)
      .values([
        { short_code: 'abc123', original_url: 'https://example.com/landing?x=1', user_id: ownerId },
        { short_code: 'gone1', original_url: 'https://example.com/gone', is_active: false },
        { short_code: 'quar1', original_url: 'https://example.com/bad' },
        { short_code: 'quarin', original_url: 'https://example.com/bad2', is_active: false },
        { short_code: 'unicode1', original_url: 'https://example.com/caf\u00e9' },
      ])
      .returning()
    activeId = rows[0]!.id
    await env.db.insert(quarantinedCodes).values([
      { short_code: 'quar1', actor: 't' },
      { short_code: 'quarin', actor: 't' },
      { short_code: 'noSuchQ', actor: 't' },
    ])
    svc = await buildService({ ...env.env, APP_VERSION: 'v7' })
  })

  afterAll(async () => {
    await svc.close()
    await env.drop()
  })

  it.each(['/abc123', '/r/abc123'])('%s redirects 302 to the original URL', async (path) => {
    const res = await svc.app.inject(path)
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toBe('https://example.com/landing?x=1')
    expect(res.headers['cache-control']).toBe('private, max-age=0')
    expect(res.headers['x-ghostlink-version']).toBe('v7')
  })

  it('answers HEAD like GET', async () => {
    const res = await svc.app.inject({ method: 'HEAD', url: '/abc123' })
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toBe('https://example.com/landing?x=1')
    expect(res.headers['x-ghostlink-version']).toBe('v7')
  })

  it('percent-encodes a non-ASCII destination in Location', async () => {
    const res = await svc.app.inject('/unicode1')
    expect([res.statusCode, res.headers.location]).toEqual([302, 'https://example.com/caf%C3%A9'])
  })

  it.each([
    ['an unknown code', '/nope42', 404, { error: 'Not found', code: 404 }],
    ['an unknown code via /r/', '/r/nope42', 404, { error: 'Not found', code: 404 }],
    ['an inactive link', '/gone1', 410, { error: 'Link inactive', code: 410 }],
    ['an inactive link via /r/', '/r/gone1', 410, { error: 'Link inactive', code: 410 }],
    ['a quarantined link', '/quar1', 410, { error: 'This short code has been quarantined due to suspicious activity', code: 410 }],
    ['a quarantined inactive link', '/r/quarin', 410, { error: 'This short code has been quarantined due to suspicious activity', code: 410 }],
    ['a quarantined code no link has', '/noSuchQ', 410, { error: 'This short code has been quarantined due to suspicious activity', code: 410 }],
    ['a code longer than 64 characters', `/${'a'.repeat(65)}`, 404, { error: 'Not found', code: 404 }],
    ['a code longer than fastify’s default parameter limit', `/r/${'a'.repeat(500)}`, 404, { error: 'Not found', code: 404 }],
    ['a path longer than any parameter', `/${'a'.repeat(3000)}`, 404, { error: 'Not found', code: 404 }],
    ['a path with more segments', '/a/b/c', 404, { error: 'Not found', code: 404 }],
  ])('answers %s', async (_, path, status, body) => {
    const res = await svc.app.inject(path)
    expect([res.statusCode, res.json()]).toEqual([status, body])
    expect(res.headers['x-ghostlink-version']).toBe('v7')
  })

  it('answers from the in-process cache (a synchronous reply) exactly as it answered the first, looked-up request', async () => {
    await env.db.insert(urls).values([
      { short_code: 'fresh1', original_url: 'https://example.com/fresh' },
      { short_code: 'fresh2', original_url: 'https://example.com/fresh2', is_active: false },
      { short_code: 'freshq', original_url: 'https://example.com/freshq' },
    ])
    await env.db.insert(quarantinedCodes).values({ short_code: 'freshq', actor: 't' })
    const answer = async (path: string) => {
      const res = await svc.app.inject(path)
      return [res.statusCode, res.body, res.headers.location, res.headers['cache-control'], res.headers['x-ghostlink-version']]
    }
    for (const [path, status] of [['/fresh1', 302], ['/fresh2', 410], ['/freshq', 410], ['/fresh404', 404]] as const) {
      const first = await answer(path)
      expect(first[0]).toBe(status)
      expect(first[4]).toBe('v7')
      expect(await answer(path)).toEqual(first)
      expect(await answer(path)).toEqual(first)
    }
  })

  it('codes are case-sensitive', async () => {
    expect((await svc.app.inject('/ABC123')).statusCode).toBe(404)
  })

  it('records a redirect event for a 302 and a fingerprint for every answer but an unparsable path (docs/CONTRACT.md#c-1-9, #c-4-4)', async () => {
    await quiesce(env)
    await env.db.delete(events)
    await env.db.delete(requestFingerprints)
    const hit = (url: string, headers: Record<string, string> = {}) => svc.app.inject({ url, headers, remoteAddress: '203.0.113.9' })
    await hit('/abc123', { referer: 'https://ref.example/page', 'user-agent': 'UA-1' })
    await hit('/gone1', { 'user-agent': 'UA-3' })
    await hit('/r/gone1', { 'user-agent': 'UA-3' })
    await hit('/nope42', { 'user-agent': 'scanner' })
    await hit('/quar1', { 'user-agent': 'UA-2' })
    await hit('/quarin', { 'user-agent': 'UA-2' })
    await hit(`/${'z'.repeat(70)}`)

    await expect.poll(() => countFingerprints(env.db), { timeout: 5_000 }).toBe(6)
    const evs = await env.db.select().from(events)
    expect(evs).toHaveLength(1)
    expect(evs[0]).toMatchObject({
      event_type: 'redirect',
      url_id: activeId,
      user_id: ownerId,
      referrer: 'https://ref.example/page',
      details: { short_code: 'abc123', client_ip: '203.0.113.9', user_agent: 'UA-1' },
    })
    expect(Math.abs(evs[0]!.timestamp.getTime() - Date.now())).toBeLessThan(60_000)

    const fps = await env.db
      .select()
      .from(requestFingerprints)
      .orderBy(asc(requestFingerprints.status_code), asc(requestFingerprints.short_code))
    expect(fps.map((f) => [f.short_code, f.client_ip, f.user_agent, f.status_code, f.is_invalid_short_code, f.is_quarantined, f.is_dead_link])).toEqual([
      ['abc123', '203.0.113.9', 'UA-1', 302, false, false, false],
      ['nope42', '203.0.113.9', 'scanner', 404, true, false, true],
      // an inactive link: dead, but neither an unknown code nor a quarantined one
      ['gone1', '203.0.113.9', 'UA-3', 410, false, false, true],
      ['gone1', '203.0.113.9', 'UA-3', 410, false, false, true],
      // quarantine wins over inactive
      ['quar1', '203.0.113.9', 'UA-2', 410, false, true, true],
      ['quarin', '203.0.113.9', 'UA-2', 410, false, true, true],
    ])
  })

  it('an inactive link’s 410 leaves a fingerprint only: no event, no 302 counted, nothing blocked or invalid', async () => {
    await quiesce(env)
    await env.db.delete(events)
    await env.db.delete(requestFingerprints)
    const sample = async (name: string, labels = '') => {
      const line = (await svc.app.inject('/metrics')).body.split('\n').find((l) => l.startsWith(`${name}{${labels}`))
      return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
    }
    const read = () =>
      Promise.all([
        sample('url_redirects_total', 'app_version="v7",status="302"'),
        sample('url_redirects_total', 'app_version="v7",status="410"'),
        sample('ghostlink_blocked_requests_total'),
        sample('ghostlink_invalid_short_code_hits_total'),
      ])
    const before = await read()
    for (let i = 0; i < 5; i++) expect((await svc.app.inject(i % 2 ? '/gone1' : '/r/gone1')).statusCode).toBe(410)
    const after = await read()
    expect(after).toEqual([before[0], before[1]! + 5, before[2], before[3]])
    await expect.poll(() => countFingerprints(env.db), { timeout: 5_000 }).toBe(5)
    await quiesce(env)
    expect(await env.db.select().from(events)).toEqual([])
  })

  it.each([
    ['trusted proxy: X-Forwarded-For is used', '127.0.0.1', '198.51.100.7'],
    ['untrusted peer: X-Forwarded-For is ignored', '192.0.2.50', '192.0.2.50'],
  ])('client IP — %s', async (_, peer, expectedIp) => {
    await quiesce(env)
    await env.db.delete(requestFingerprints)
    await svc.app.inject({ url: '/abc123', remoteAddress: peer, headers: { 'x-forwarded-for': '198.51.100.7' } })
    await expect.poll(() => countFingerprints(env.db), { timeout: 5_000 }).toBe(1)
    const [fp] = await env.db.select().from(requestFingerprints)
    expect(fp!.client_ip).toBe(expectedIp)
  })

  it('serves /metrics with answer counters, cache layers and queue depth, without per-code labels', async () => {
    const res = await svc.app.inject('/metrics')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
    const text = res.body
    expect(text).toMatch(/url_redirects_total\{app_version="v7",status="302"[^}]*\} \d+/)
    expect(text).toMatch(/url_redirects_total\{app_version="v7",status="404"[^}]*\} [1-9]/)
    expect(text).toMatch(/url_redirects_total\{app_version="v7",status="410"[^}]*\} [1-9]/)
    expect(text).toMatch(/redirect_latency_seconds_count\{[^}]*\} [1-9]/)
    expect(text).toMatch(/redirect_cache_lookups_total\{layer="local",result="hit"[^}]*\} [1-9]/)
    expect(text).toMatch(/redirect_cache_lookups_total\{layer="local",result="miss"[^}]*\} [1-9]/)
    expect(text).toMatch(/redirect_db_lookups_total\{[^}]*\} [1-9]/)
    expect(text).toMatch(/redirect_click_queue_depth\{where="stream"/)
    expect(text).toMatch(/redirect_clicks_flushed_total\{path="stream"[^}]*\} [1-9]/)
    expect(text).toMatch(/ghostlink_invalid_short_code_hits_total\{[^}]*\} [1-9]/)
    expect(text).toMatch(/ghostlink_blocked_requests_total\{[^}]*\} [1-9]/)
    expect(text).not.toContain('abc123')
    expect(text).not.toContain('short_code=')
  })

  it('/health and /ready report the dependencies', async () => {
    const health = await svc.app.inject('/health')
    expect([health.statusCode, health.json()]).toEqual([200, { status: 'ok', db: 'ok', redis: 'ok', version: 'v7' }])
    expect((await svc.app.inject('/ready')).json()).toEqual({ ready: true })
  })
})

describe('with ENABLE_QUARANTINE_MODE off', () => {
  let env: TestEnv
  let svc: TestService
  beforeAll(async () => {
    env = await createTestEnv()
    await env.db.insert(urls).values({ short_code: 'quar1', original_url: 'https://example.com/bad' })
    await env.db.insert(quarantinedCodes).values([{ short_code: 'quar1', actor: 't' }, { short_code: 'ghost', actor: 't' }])
    svc = await buildService({ ...env.env, ENABLE_QUARANTINE_MODE: 'false' })
  })
  afterAll(async () => {
    await svc.close()
    await env.drop()
  })

  it('a quarantined link redirects and a quarantined unknown code is a plain 404', async () => {
    expect((await svc.app.inject('/quar1')).statusCode).toBe(302)
    expect((await svc.app.inject('/ghost')).json()).toEqual({ error: 'Not found', code: 404 })
  })
})
