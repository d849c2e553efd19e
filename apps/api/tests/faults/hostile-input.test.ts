import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type TestApp } from '../helpers/build-app.js'

// Issue 13 items 3 and 8: input that answered 500 or was stored as something other than what was sent.
let t: TestApp
let urlId: number

beforeAll(async () => {
  t = await buildApp({ env: { BULK_BODY_LIMIT_BYTES: '65536' } })
  const res = await t.app.inject({ method: 'POST', url: '/shorten', payload: { original_url: 'https://example.com/a' } })
  urlId = res.json().id
})
afterAll(async () => {
  await t.close()
})

const LONE = '\ud800'
// JSON text with an escaped lone surrogate, as a hostile client sends it (JSON.parse accepts it).
const rawJson = (method: 'POST' | 'PUT' | 'PATCH', url: string, body: string) =>
  t.app.inject({ method, url, body, headers: { 'content-type': 'application/json' } })

describe('event details', () => {
  it('a lone surrogate anywhere in details is 400 Invalid details', async () => {
    for (const details of [`{"k":"a\\ud800"}`, `{"a\\udfff":1}`, `{"n":{"deep":["\\ud83d"]}}`]) {
      const res = await rawJson('POST', '/events', `{"url_id":${urlId},"event_type":"click","details":${details}}`)
      expect(res.statusCode, details).toBe(400)
      expect(res.json()).toMatchObject({ error: 'Invalid details' })
    }
  })

  it('5,000 levels of nesting is 400 Invalid details; a well-formed pair and normal nesting are stored', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`
    const res = await rawJson('POST', '/events', `{"url_id":${urlId},"event_type":"click","details":${deep}}`)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: 'Invalid details' })
    const ok = await rawJson('POST', '/events', `{"url_id":${urlId},"event_type":"click","details":{"e":"\\ud83d\\ude00","x":{"y":[1]}}}`)
    expect(ok.statusCode).toBe(201)
  })

  it('event_type and referrer with a lone surrogate are 400, not stored as U+FFFD', async () => {
    const a = await rawJson('POST', '/events', `{"url_id":${urlId},"event_type":"c\\ud800"}`)
    expect(a.statusCode).toBe(400)
    const b = await rawJson('POST', '/events', `{"url_id":${urlId},"event_type":"click","referrer":"r\\udc00"}`)
    expect(b.statusCode).toBe(400)
  })
})

describe('titles with a lone surrogate', () => {
  for (const method of ['PUT', 'PATCH'] as const) {
    it(`${method} /urls/:id is 400 Invalid title and leaves the title unchanged`, async () => {
      const res = await rawJson(method, `/urls/${urlId}`, '{"title":"t\\ud800"}')
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ error: 'Invalid title' })
      const now = await t.app.inject({ method: 'GET', url: `/urls/${urlId}` })
      expect(now.json().title).toBeNull()
    })
  }
  it('POST /shorten refuses it too', async () => {
    const res = await rawJson('POST', '/shorten', '{"original_url":"https://example.com","title":"\\udfff"}')
    expect(res.statusCode).toBe(400)
  })
})

describe('multipart uploads', () => {
  const csv = 'id,username,email\n1,mp1,mp1@x.io\n2,mp2,mp2@x.io\n'
  const part = (b: string) =>
    `--${b}\r\nContent-Disposition: form-data; name="file"; filename="u.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}`

  it('without a boundary is 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/users/bulk',
      body: part('x'),
      headers: { 'content-type': 'multipart/form-data' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 400 })
  })

  it('cut short (no closing boundary) is 400 and imports nothing', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/users/bulk',
      body: part('bnd'),
      headers: { 'content-type': 'multipart/form-data; boundary=bnd' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 400 })
    const list = await t.app.inject({ method: 'GET', url: '/users' })
    expect(list.json().map((u: { username: string }) => u.username)).not.toContain('mp1')
  })

  it('cut short in the middle of the headers is 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/users/bulk',
      body: '--bnd\r\nContent-Disposition: form-da',
      headers: { 'content-type': 'multipart/form-data; boundary=bnd' },
    })
    expect(res.statusCode).toBe(400)
  })

  it('a complete upload still imports', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/users/bulk',
      body: `${part('bnd')}\r\n--bnd--\r\n`,
      headers: { 'content-type': 'multipart/form-data; boundary=bnd' },
    })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ imported: 2 })
  })
})

describe('destinations', () => {
  const shorten = (original_url: string) => t.app.inject({ method: 'POST', url: '/shorten', payload: { original_url } })

  it('refuses credentials with a clear 400, on create and on update', async () => {
    for (const u of ['https://paypal.com@evil.example', 'https://user:pw@evil.example/x', 'http://:pw@evil.example']) {
      const res = await shorten(u)
      expect(res.statusCode, u).toBe(400)
      expect(res.json()).toMatchObject({ error: 'URL must not contain credentials', code: 400 })
    }
    const upd = await t.app.inject({ method: 'PATCH', url: `/urls/${urlId}`, payload: { original_url: 'https://a@evil.example' } })
    expect(upd.statusCode).toBe(400)
  })

  it('stores and redirects non-canonical spellings in canonical form', async () => {
    const cases: [string, string][] = [
      ['https:evil.com', 'https://evil.com/'],
      ['http:/evil.com', 'http://evil.com/'],
      ['https:\\\\evil.com', 'https://evil.com/'],
      ['https://evil.com\\@good.com', 'https://evil.com/@good.com'],
      ['HTTPS:evil.com/p?q=1', 'https://evil.com/p?q=1'],
    ]
    for (const [input, canonical] of cases) {
      const res = await shorten(input)
      expect(res.statusCode, input).toBe(201)
      const stored = await t.app.inject({ method: 'GET', url: `/urls/${res.json().id}` })
      expect(stored.json().original_url).toBe(canonical)
      const upd = await t.app.inject({ method: 'PATCH', url: `/urls/${urlId}`, payload: { original_url: input } })
      expect(upd.json().original_url).toBe(canonical)
    }
  })

  it('keeps an ordinary URL byte for byte', async () => {
    const res = await shorten('https://Example.com/Path?a=b#frag')
    const stored = await t.app.inject({ method: 'GET', url: `/urls/${res.json().id}` })
    expect(stored.json().original_url).toBe('https://Example.com/Path?a=b#frag')
  })

  it('refuses a lone surrogate instead of storing U+FFFD', async () => {
    const res = await rawJson('POST', '/shorten', '{"original_url":"https://example.com/\\ud800"}')
    expect(res.statusCode).toBe(422)
    const upd = await rawJson('PATCH', `/urls/${urlId}`, '{"original_url":"https://example.com/\\udc00"}')
    expect(upd.statusCode).toBe(422)
  })
})

describe('usernames', () => {
  const create = (username: string) =>
    t.app.inject({ method: 'POST', url: '/users', payload: { username, email: `u${Math.random()}@x.io` } })

  it('refuses bidi overrides, zero-width and control characters and lone surrogates', async () => {
    for (const name of ['ad\u202emin', 'ad\u200bmin', 'a\u2066b', 'a\u0007b', 'a\u0085b', `x${LONE}`, 'ad\ufeffmin']) {
      const res = await create(name)
      expect(res.statusCode, JSON.stringify(name)).toBe(400)
    }
    expect((await create('ordinary_ñame')).statusCode).toBe(201)
  })
})
