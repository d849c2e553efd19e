import { events, urls, users } from '@ghostlink/db'
import { redisKeys } from '@ghostlink/redis'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type TestApp } from '../helpers/build-app.js'

const URL_KEYS = ['id', 'is_active', 'original_url', 'short_code', 'title', 'user_id']

/** Per-link options on the API (issue 14): create, read, update, validation order, list filters, the alias. */
describe('link options', () => {
  let t: TestApp
  let alice: number

  const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload })
  beforeAll(async () => {
    t = await buildApp()
    const [row] = await t.db.insert(users).values({ username: 'alice', email: 'alice@example.com' }).returning()
    alice = row!.id
  })
  afterAll(() => t.close())

  it('a link without options keeps the contract key set; set options appear in alphabetical place', async () => {
    const plain = await post('/urls', { original_url: 'https://example.com/plain', user_id: alice })
    expect(Object.keys(plain.json())).toEqual(URL_KEYS)
    const res = await post('/urls', {
      original_url: 'https://example.com/o',
      user_id: alice,
      redirect_type: 301,
      forward_query: true,
      expires_at: '2031-01-02T03:04:05+02:00',
      max_clicks: 10,
    })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(Object.keys(body)).toEqual(['expires_at', 'forward_query', 'id', 'is_active', 'max_clicks', 'original_url', 'redirect_type', 'short_code', 'title', 'user_id'])
    expect(body).toMatchObject({ expires_at: '2031-01-02T01:04:05.000Z', forward_query: true, max_clicks: 10, redirect_type: 301 })
    expect((await t.app.inject(`/urls/${body.id}`)).json()).toEqual(body)
  })

  it('POST /shorten takes the options too and still answers two keys', async () => {
    const res = await post('/shorten', { original_url: 'https://example.com/s', redirect_type: 307, max_clicks: 2 })
    expect(res.statusCode).toBe(201)
    expect(Object.keys(res.json())).toEqual(['id', 'short_code'])
    const [row] = await t.db.select().from(urls).where(eq(urls.id, res.json().id))
    expect([row!.redirect_type, row!.max_clicks, row!.forward_query, row!.expires_at]).toEqual([307, 2, null, null])
  })

  it.each([
    [{ redirect_type: 303 }, 'Invalid redirect_type'],
    [{ redirect_type: '301' }, 'Invalid redirect_type'],
    [{ forward_query: 'yes' }, 'Invalid forward_query'],
    [{ expires_at: '2030-01-01T00:00:00' }, 'Invalid expires_at'],
    [{ expires_at: 'tomorrow' }, 'Invalid expires_at'],
    [{ expires_at: 1893456000 }, 'Invalid expires_at'],
    [{ max_clicks: 0 }, 'Invalid max_clicks'],
    [{ max_clicks: 1.5 }, 'Invalid max_clicks'],
    [{ max_clicks: 2_147_483_648 }, 'Invalid max_clicks'],
    // documented order: redirect_type → forward_query → expires_at → max_clicks
    [{ max_clicks: 0, expires_at: 'x', forward_query: 1, redirect_type: 1 }, 'Invalid redirect_type'],
    [{ max_clicks: 0, expires_at: 'x', forward_query: 1 }, 'Invalid forward_query'],
    [{ max_clicks: 0, expires_at: 'x' }, 'Invalid expires_at'],
  ])('%j → 400 %s', async (opts, error) => {
    for (const url of ['/shorten', '/urls']) {
      const res = await post(url, { original_url: 'https://example.com/v', user_id: alice, ...opts })
      expect([res.statusCode, res.json()]).toEqual([400, { error, code: 400 }])
    }
  })

  it('the contract fields are validated before the options', async () => {
    const res = await post('/urls', { original_url: 'nope', user_id: alice, redirect_type: 1 })
    expect(res.statusCode).toBe(422)
    const noUser = await post('/urls', { original_url: 'https://example.com/x', max_clicks: 0 })
    expect(noUser.json()).toEqual({ error: 'Missing user_id', code: 400 })
  })

  it('PUT/PATCH set and clear options, record them in the updated event, and drop the cached answer', async () => {
    const created = (await post('/urls', { original_url: 'https://example.com/u', user_id: alice, short_code: 'upd1' })).json()
    const key = redisKeys(t.prefix).link('upd1')
    await t.redis!.set(key, 'cached')
    const res = await t.app.inject({ method: 'PATCH', url: `/urls/${created.id}`, payload: { max_clicks: 5, redirect_type: 308 } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ max_clicks: 5, redirect_type: 308, message: 'updated' })
    expect(await t.redis!.get(key)).toBeNull()
    const cleared = await t.app.inject({ method: 'PUT', url: `/urls/${created.id}`, payload: { max_clicks: null, redirect_type: null } })
    expect(Object.keys(cleared.json()).filter((k) => k !== 'message')).toEqual(URL_KEYS)
    const bad = await t.app.inject({ method: 'PUT', url: `/urls/${created.id}`, payload: { forward_query: null, max_clicks: -1 } })
    expect(bad.json()).toEqual({ error: 'Invalid max_clicks', code: 400 })
    const ev = await t.db.select().from(events).where(eq(events.url_id, created.id))
    expect(ev.filter((e) => e.event_type === 'updated').map((e) => e.details)).toEqual([
      { changes: { max_clicks: 5, redirect_type: 308 } },
      { changes: { max_clicks: null, redirect_type: null } },
    ])
  })

  it('GET /urls?state=expired|exhausted', async () => {
    const past = (await post('/urls', { original_url: 'https://example.com/e', user_id: alice, expires_at: '2020-01-01T00:00:00Z' })).json()
    await post('/urls', { original_url: 'https://example.com/f', user_id: alice, expires_at: '2099-01-01T00:00:00Z' })
    const full = (await post('/urls', { original_url: 'https://example.com/x1', user_id: alice, max_clicks: 1 })).json()
    const open = (await post('/urls', { original_url: 'https://example.com/x2', user_id: alice, max_clicks: 2 })).json()
    await t.db.insert(events).values([full, open].map((u) => ({ url_id: u.id, event_type: 'redirect' })))
    const ids = async (q: string) => ((await t.app.inject(`/urls?${q}`)).json() as Array<{ id: number }>).map((u) => u.id)
    expect(await ids('state=expired')).toEqual([past.id])
    expect(await ids('state=exhausted')).toEqual([full.id])
    expect((await ids('state=bogus')).length).toBeGreaterThan(3)
  })

  it('GET /urls/<code> honours the options: redirect type, query forwarding, expiry and the click limit', async () => {
    await post('/urls', { original_url: 'https://example.com/a?k=1', user_id: alice, short_code: 'al1', redirect_type: 301, forward_query: true, max_clicks: 1 })
    const first = await t.app.inject('/urls/al1?k=2&utm_source=x')
    expect([first.statusCode, first.headers.location]).toEqual([301, 'https://example.com/a?k=2&utm_source=x'])
    expect((await t.app.inject('/urls/al1')).statusCode).toBe(404)
    await post('/urls', { original_url: 'https://example.com/old', user_id: alice, short_code: 'al2', expires_at: '2000-01-01T00:00:00Z' })
    expect((await t.app.inject('/urls/al2')).statusCode).toBe(404)
  })
})
