import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { events, quarantinedCodes, type Url, urls, users } from '@ghostlink/db'
import { redisKeys } from '@ghostlink/redis'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type TestApp } from '../helpers/build-app.js'

const QUARANTINED = { error: 'This short code has been quarantined due to suspicious activity', code: 410 }

async function seed(t: TestApp) {
  const [owner] = await t.db.insert(users).values({ username: 'owner', email: 'owner@example.com' }).returning()
  const rows = await t.db
    .insert(urls)
    .values([
      { short_code: 'live1', original_url: 'https://example.com/live', user_id: owner!.id },
      { short_code: 'off1', original_url: 'https://example.com/off', is_active: false },
      { short_code: 'bad1', original_url: 'https://example.com/bad' },
      { short_code: '12345', original_url: 'https://example.com/digits' },
      { short_code: 'uni1', original_url: 'https://example.com/über?q=ü' },
    ])
    .returning()
  await t.db.insert(quarantinedCodes).values([
    { short_code: 'bad1', actor: 'test' },
    { short_code: 'ghost1', actor: 'test' },
  ])
  const byCode = Object.fromEntries(rows.map((r) => [r.short_code, r])) as Record<string, Url>
  return { owner: owner!.id, byCode }
}

describe('GET /urls/<code> (secondary alias)', () => {
  let t: TestApp
  let s: Awaited<ReturnType<typeof seed>>
  const redirectEvents = (urlId: number) =>
    t.db
      .select()
      .from(events)
      .where(and(eq(events.url_id, urlId), eq(events.event_type, 'redirect')))

  beforeAll(async () => {
    // quarantining through the API renders the Nginx map file: keep it out of the working tree
    t = await buildApp({ env: { QUARANTINE_MAP_FILE: join(tmpdir(), `gl-alias-${process.pid}`, 'blocked_codes.conf') } })
    s = await seed(t)
  })
  afterAll(async () => {
    await t.close()
    await rm(join(tmpdir(), `gl-alias-${process.pid}`), { recursive: true, force: true })
  })

  it('redirects an active link with 302 and records a redirect event for the owner with the referrer', async () => {
    const res = await t.app.inject({ url: '/urls/live1', headers: { referer: 'https://news.example/post' } })
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toBe('https://example.com/live')
    expect(res.headers['x-ghostlink-version']).toBe('v1-dev')
    const evs = await redirectEvents(s.byCode.live1!.id)
    expect(evs.map((e) => [e.user_id, e.referrer])).toEqual([[s.owner, 'https://news.example/post']])
  })

  it('records a null referrer when the header is absent', async () => {
    const before = (await redirectEvents(s.byCode.live1!.id)).length
    expect((await t.app.inject('/urls/live1')).statusCode).toBe(302)
    const evs = await redirectEvents(s.byCode.live1!.id)
    expect(evs).toHaveLength(before + 1)
    expect(evs.at(-1)!.referrer).toBeNull()
  })

  it.each([
    ['an inactive link (404 here, not 410)', 'off1'],
    ['an unknown code', 'nosuch'],
    ['a code longer than any quarantine entry', 'x'.repeat(80)],
  ])('answers 404 Not found for %s, with no event', async (_, code) => {
    const res = await t.app.inject(`/urls/${code}`)
    expect([res.statusCode, res.json()]).toEqual([404, { error: 'Not found', code: 404 }])
    expect(await redirectEvents(s.byCode.off1!.id)).toEqual([])
  })

  it.each([
    ['a quarantined link', 'bad1'],
    ['a quarantined code without a link', 'ghost1'],
  ])('answers 410 with the quarantine text for %s', async (_, code) => {
    const res = await t.app.inject(`/urls/${code}`)
    expect([res.statusCode, res.json()]).toEqual([410, QUARANTINED])
    expect(await redirectEvents(s.byCode.bad1!.id)).toEqual([])
  })

  it('treats an all-digit segment as an id, never as a code (docs/CONTRACT.md#c-1-0 precedence)', async () => {
    const res = await t.app.inject('/urls/12345')
    expect(res.statusCode).toBe(404)
    const byId = await t.app.inject(`/urls/${s.byCode['12345']!.id}`)
    expect([byId.statusCode, byId.json().short_code]).toEqual([200, '12345'])
  })

  it('sends a non-ASCII destination as an encoded Location header', async () => {
    const res = await t.app.inject('/urls/uni1')
    expect([res.statusCode, res.headers.location]).toEqual([302, 'https://example.com/%C3%BCber?q=%C3%BC'])
  })

  it('stops redirecting as soon as the link is deactivated, even after it was cached', async () => {
    const [u] = await t.db.insert(urls).values({ short_code: 'soon1', original_url: 'https://example.com/soon' }).returning()
    expect((await t.app.inject('/urls/soon1')).statusCode).toBe(302)
    expect(await t.redis!.exists(redisKeys(t.prefix).link('soon1'))).toBe(1)
    expect((await t.app.inject({ method: 'DELETE', url: `/urls/${u!.id}` })).statusCode).toBe(200)
    expect((await t.app.inject('/urls/soon1')).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'PATCH', url: `/urls/${u!.id}`, payload: { is_active: true } })).statusCode).toBe(200)
    expect((await t.app.inject('/urls/soon1')).statusCode).toBe(302)
  })

  it('answers 410 as soon as a cached link is quarantined through the API, and 302 again once lifted', async () => {
    await t.db.insert(urls).values({ short_code: 'later2', original_url: 'https://example.com/later2' })
    expect((await t.app.inject('/urls/later2')).statusCode).toBe(302)
    expect((await t.app.inject({ method: 'POST', url: '/quarantine/later2' })).statusCode).toBeLessThan(300)
    const res = await t.app.inject('/urls/later2')
    expect([res.statusCode, res.json()]).toEqual([410, QUARANTINED])
    expect((await t.app.inject({ method: 'DELETE', url: '/quarantine/later2' })).statusCode).toBe(200)
    expect((await t.app.inject('/urls/later2')).statusCode).toBe(302)
  })

  it('starts redirecting a code that was looked up (and negatively cached) before it was created', async () => {
    expect((await t.app.inject('/urls/later1')).statusCode).toBe(404)
    const res = await t.app.inject({
      method: 'POST',
      url: '/shorten',
      payload: { original_url: 'https://example.com/later', short_code: 'later1' },
    })
    expect(res.statusCode).toBe(201)
    expect((await t.app.inject('/urls/later1')).statusCode).toBe(302)
  })
})

describe('GET /urls/<code> with ENABLE_QUARANTINE_MODE off', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildApp({ env: { ENABLE_QUARANTINE_MODE: 'false' } })
    await seed(t)
  })
  afterAll(() => t.close())

  it('redirects a quarantined active link and answers 404 for a quarantined code without one', async () => {
    const res = await t.app.inject('/urls/bad1')
    expect([res.statusCode, res.headers.location]).toEqual([302, 'https://example.com/bad'])
    expect((await t.app.inject('/urls/ghost1')).statusCode).toBe(404)
  })
})

describe('GET /urls/<code> without Redis', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildApp({ withRedis: false })
    await seed(t)
  })
  afterAll(() => t.close())

  it('still answers from Postgres', async () => {
    expect((await t.app.inject('/urls/live1')).statusCode).toBe(302)
    expect((await t.app.inject('/urls/off1')).statusCode).toBe(404)
    expect((await t.app.inject('/urls/bad1')).statusCode).toBe(410)
  })
})
