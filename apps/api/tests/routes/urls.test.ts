import { events, type Url, urls, users } from '@ghostlink/db'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildApp, type TestApp } from '../helpers/build-app.js'

const URL_KEYS = ['id', 'is_active', 'original_url', 'short_code', 'title', 'user_id']
const raw = (payload: string, contentType = 'application/json') => ({ payload, headers: { 'content-type': contentType } })
type Payload = object | string | undefined | { payload: string; headers: Record<string, string> }
const asInject = (p: Payload) => (p && typeof p === 'object' && 'headers' in p ? p : { payload: p as object | undefined })

describe('/urls', () => {
  let t: TestApp
  let alice: number
  let bob: number
  let seq = 0

  const insertUrl = async (values: Partial<Url> = {}) => {
    const [row] = await t.db
      .insert(urls)
      .values({ short_code: `fx${++seq}`, original_url: `https://fixture.io/${seq}`, ...values })
      .returning()
    return row!
  }
  const eventsOf = (urlId: number, type?: string) =>
    t.db
      .select()
      .from(events)
      .where(type ? and(eq(events.url_id, urlId), eq(events.event_type, type)) : eq(events.url_id, urlId))

  beforeAll(async () => {
    t = await buildApp()
    const rows = await t.db
      .insert(users)
      .values([
        { username: 'alice', email: 'alice@example.com' },
        { username: 'bob', email: 'bob@example.com' },
      ])
      .returning()
    alice = rows[0]!.id
    bob = rows[1]!.id
  })
  afterAll(() => t.close())

  describe('POST /urls', () => {
    const post = (p: Payload) => t.app.inject({ method: 'POST', url: '/urls', ...asInject(p) })

    it('creates a URL and answers the full URL object', async () => {
      const res = await post({ original_url: 'https://example.com/full', title: 'Full', user_id: alice, short_code: 'full1' })
      expect(res.statusCode).toBe(201)
      const body = res.json()
      expect(Object.keys(body)).toEqual(URL_KEYS)
      expect(body).toEqual({
        id: body.id,
        is_active: true,
        original_url: 'https://example.com/full',
        short_code: 'full1',
        title: 'Full',
        user_id: alice,
      })
      expect((await eventsOf(body.id)).map((e) => [e.event_type, e.user_id])).toEqual([['created', alice]])
    })

    it('generates a 6-character code when none is given', async () => {
      const res = await post({ original_url: 'https://example.com/gen', user_id: alice })
      expect([res.statusCode, res.json().short_code]).toEqual([201, expect.stringMatching(/^[A-Za-z0-9]{6}$/)])
    })

    it.each([
      ['no body', undefined, 400, 'Missing request body'],
      ['malformed JSON', raw('{'), 400, 'Missing request body'],
      ['a JSON list', raw('[1]'), 400, 'Missing request body'],
      ['no original_url', { user_id: 1 }, 400, 'Missing original_url'],
      ['invalid URL and missing user_id (URL first)', { original_url: 'nope' }, 422, 'Invalid URL'],
      ['missing user_id', { original_url: 'https://x.io' }, 400, 'Missing user_id'],
      ['null user_id', { original_url: 'https://x.io', user_id: null }, 400, 'Missing user_id'],
      ['user_id false', { original_url: 'https://x.io', user_id: false }, 400, 'Invalid user_id'],
      ['user_id "abc"', { original_url: 'https://x.io', user_id: 'abc' }, 400, 'Invalid user_id'],
      ['unknown user', { original_url: 'https://x.io', user_id: 987_654 }, 404, 'User not found'],
      // docs/CONTRACT.md#c-1-3 order: user_id → title → short_code
      ['bad user_id and bad code', { original_url: 'https://x.io', user_id: 'x', short_code: '!' }, 400, 'Invalid user_id'],
      ['bad title and bad code', { original_url: 'https://x.io', user_id: 1, title: 7, short_code: '!' }, 400, 'Invalid title'],
      ['bad code', { original_url: 'https://x.io', user_id: 1, short_code: 'ab cd' }, 422, 'Invalid short_code'],
      ['reserved code', { original_url: 'https://x.io', user_id: 1, short_code: 'users' }, 422, 'Invalid short_code'],
      ['taken code', { original_url: 'https://x.io', user_id: 1, short_code: 'full1' }, 409, 'Short code exists'],
    ])('rejects %s', async (_, payload, status, error) => {
      const res = await post(payload)
      expect([res.statusCode, res.json()]).toEqual([status, { error, code: status }])
    })
  })

  describe('GET /urls', () => {
    let ids: number[]
    let carolId: number
    const carol = () => carolId
    beforeAll(async () => {
      // a clean slate for list assertions: separate owners so filters are easy to predict
      const [carol] = await t.db.insert(users).values({ username: 'carol', email: 'carol@example.com' }).returning()
      const made = [
        await insertUrl({ user_id: carol!.id, is_active: true }),
        await insertUrl({ user_id: carol!.id, is_active: false }),
        await insertUrl({ user_id: carol!.id, is_active: true, title: 'third' }),
      ]
      ids = made.map((u) => u.id)
      carolId = carol!.id
    })

    it('returns a bare array of URL objects ordered by id', async () => {
      const res = await t.app.inject('/urls')
      expect(res.statusCode).toBe(200)
      const list = res.json() as Array<{ id: number }>
      expect(Array.isArray(list)).toBe(true)
      expect(list.map((u) => u.id)).toEqual([...list.map((u) => u.id)].sort((a, b) => a - b))
      expect(Object.keys(list[0]!)).toEqual(URL_KEYS)
      expect(list.map((u) => u.id)).toEqual(expect.arrayContaining(ids))
    })

    it.each([
      ['user_id', () => `user_id=${carol()}`, () => ids],
      ['user_id with is_active=true', () => `user_id=${carol()}&is_active=true`, () => [ids[0], ids[2]]],
      ['user_id with is_active= No (trimmed, case-insensitive)', () => `user_id=${carol()}&is_active=%20No%20`, () => [ids[1]]],
      ['user_id with is_active=1', () => `user_id=${carol()}&is_active=1`, () => [ids[0], ids[2]]],
      ['user_id with an ignored is_active=maybe', () => `user_id=${carol()}&is_active=maybe`, () => ids],
      ['an unknown user', () => 'user_id=424242', () => []],
      ['a user_id beyond int4', () => 'user_id=99999999999', () => []],
      ['page 2 of 1 per page', () => `user_id=${carol()}&page=2&per_page=1`, () => [ids[1]]],
      ['per_page only', () => `user_id=${carol()}&per_page=2`, () => [ids[0], ids[1]]],
      ['a page past the end', () => `user_id=${carol()}&page=9&per_page=2`, () => []],
    ])('filters by %s', async (_, query, expected) => {
      const res = await t.app.inject(`/urls?${query()}`)
      expect(res.statusCode).toBe(200)
      expect(res.json().map((u: { id: number }) => u.id)).toEqual(expected())
    })

    it('ignores a non-integer user_id filter and invalid paging instead of failing', async () => {
      const all = (await t.app.inject('/urls')).json()
      for (const q of ['user_id=abc', 'user_id=1.5', 'page=abc', 'per_page=-1', 'page=0&per_page=0']) {
        const res = await t.app.inject(`/urls?${q}`)
        expect([q, res.statusCode, res.json().length]).toEqual([q, 200, all.length])
      }
    })

    it('caps per_page at 1000', async () => {
      const res = await t.app.inject('/urls?per_page=5000')
      expect(res.statusCode).toBe(200)
      expect(res.json().length).toBeLessThanOrEqual(1000)
    })
  })

  describe('GET /urls/:id', () => {
    it('returns the URL object, inactive ones too', async () => {
      const u = await insertUrl({ is_active: false, title: 'off', user_id: bob })
      const res = await t.app.inject(`/urls/${u.id}`)
      expect([res.statusCode, res.json()]).toEqual([
        200,
        { id: u.id, is_active: false, original_url: u.original_url, short_code: u.short_code, title: 'off', user_id: bob },
      ])
    })

    it.each(['999999', '0', '99999999999999999999'])('answers 404 Not found for id %s', async (id) => {
      const res = await t.app.inject(`/urls/${id}`)
      expect([res.statusCode, res.json()]).toEqual([404, { error: 'Not found', code: 404 }])
    })

    it('answers 405 JSON for a method the resource does not have', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/urls/1' })
      expect([res.statusCode, res.json()]).toEqual([405, { error: 'Method not allowed', code: 405 }])
    })
  })

  describe('PUT/PATCH /urls/:id', () => {
    let url: Url
    beforeEach(async () => {
      url = await insertUrl({ user_id: alice, title: 'before' })
    })

    it.each(['PUT', 'PATCH'] as const)(
      '%s updates the given fields, answers the URL object + message, writes one updated event',
      async (method) => {
        const res = await t.app.inject({
          method,
          url: `/urls/${url.id}`,
          payload: { title: 'after', original_url: 'https://changed.io/x' },
        })
        expect(res.statusCode).toBe(200)
        const body = res.json()
        expect(Object.keys(body).sort()).toEqual([...URL_KEYS, 'message'].sort())
        expect(body).toEqual({
          id: url.id,
          is_active: true,
          message: 'updated',
          original_url: 'https://changed.io/x',
          short_code: url.short_code,
          title: 'after',
          user_id: alice,
        })
        const evs = await eventsOf(url.id, 'updated')
        expect(evs.map((e) => e.user_id)).toEqual([alice])
        const [row] = await t.db.select().from(urls).where(eq(urls.id, url.id))
        expect(row!.updated_at.getTime()).toBeGreaterThanOrEqual(url.updated_at.getTime())
      },
    )

    it('clears a title with null, deactivates and re-activates', async () => {
      const patch = (payload: object) => t.app.inject({ method: 'PATCH', url: `/urls/${url.id}`, payload })
      expect((await patch({ title: null })).json().title).toBeNull()
      expect((await patch({ is_active: false })).json().is_active).toBe(false)
      expect((await patch({ is_active: true })).json().is_active).toBe(true)
      expect(await eventsOf(url.id, 'updated')).toHaveLength(3)
    })

    it('accepts the owner as user_id and any valid user on an ownerless URL, never reassigning the owner', async () => {
      const own = await t.app.inject({ method: 'PUT', url: `/urls/${url.id}`, payload: { title: 'mine', user_id: alice } })
      expect(own.statusCode).toBe(200)
      const orphan = await insertUrl({ user_id: null })
      const res = await t.app.inject({ method: 'PUT', url: `/urls/${orphan.id}`, payload: { title: 'x', user_id: bob } })
      expect([res.statusCode, res.json().user_id]).toEqual([200, null])
      const [ev] = await eventsOf(orphan.id, 'updated')
      expect(ev!.user_id).toBe(bob)
    })

    const id = () => String(url.id)
    it.each([
      ['no body', () => id(), undefined, 400, 'Missing request body'],
      ['malformed JSON', () => id(), raw('{"title":'), 400, 'Missing request body'],
      ['a scalar body', () => id(), raw('"x"'), 400, 'Missing request body'],
      ['an unknown key', () => id(), { title: 'x', short_code: 'new1' }, 400, 'Invalid request body'],
      ['an unknown key on a missing id (400 before 404)', () => '999999', { nope: 1 }, 400, 'Invalid request body'],
      ['no mutable field', () => id(), {}, 400, 'Missing update fields'],
      ['only user_id', () => id(), { user_id: 1 }, 400, 'Missing update fields'],
      ['a missing id', () => '999999', { title: 'x' }, 404, 'Not found'],
      ['an out-of-range id', () => '99999999999', { title: 'x' }, 404, 'Not found'],
      ['user_id invalid', () => id(), { title: 'x', user_id: 'abc' }, 400, 'Invalid user_id'],
      ['user_id true', () => id(), { title: 'x', user_id: true }, 400, 'Invalid user_id'],
      ['user_id unknown', () => id(), { title: 'x', user_id: 777_777 }, 404, 'User not found'],
      ['another owner', () => id(), { title: 'x', user_id: 'BOB' }, 403, 'Forbidden'],
      ['owner mismatch before a bad URL', () => id(), { original_url: 'nope', user_id: 'BOB' }, 403, 'Forbidden'],
      ['original_url invalid', () => id(), { original_url: 'javascript:alert(1)' }, 422, 'Invalid URL'],
      ['original_url null', () => id(), { original_url: null }, 422, 'Invalid URL'],
      ['original_url too long', () => id(), { original_url: `https://x.io/${'a'.repeat(2048)}` }, 422, 'Invalid URL'],
      ['bad URL before bad title', () => id(), { original_url: 5, title: 5 }, 422, 'Invalid URL'],
      ['title a number', () => id(), { title: 5 }, 400, 'Invalid title'],
      ['title too long', () => id(), { title: 'x'.repeat(256) }, 400, 'Invalid title'],
      ['bad title before bad is_active', () => id(), { title: [], is_active: 'no' }, 400, 'Invalid title'],
      ['is_active a string', () => id(), { is_active: 'false' }, 400, 'Invalid is_active'],
      ['is_active a number', () => id(), { is_active: 0 }, 400, 'Invalid is_active'],
    ])('rejects %s', async (_, path, payload, status, error) => {
      const body =
        payload && typeof payload === 'object' && !('headers' in payload)
          ? JSON.parse(JSON.stringify(payload).replace('"BOB"', String(bob)))
          : payload
      for (const method of ['PUT', 'PATCH'] as const) {
        const res = await t.app.inject({ method, url: `/urls/${path()}`, ...asInject(body) })
        expect([method, res.statusCode, res.json()]).toEqual([method, status, { error, code: status }])
      }
      // nothing changed, nothing logged
      const [row] = await t.db.select().from(urls).where(eq(urls.id, url.id))
      expect(row).toEqual(url)
      expect(await eventsOf(url.id, 'updated')).toEqual([])
    })

    it('answers 405 for PUT on a non-numeric id (only GET knows short codes)', async () => {
      const res = await t.app.inject({ method: 'PUT', url: '/urls/abc', payload: { title: 'x' } })
      expect([res.statusCode, res.json()]).toEqual([405, { error: 'Method not allowed', code: 405 }])
    })
  })

  describe('DELETE /urls/:id', () => {
    const del = (id: number | string, p?: Payload) => t.app.inject({ method: 'DELETE', url: `/urls/${id}`, ...asInject(p) })
    const deletedCounter = async () => (await t.app.metrics.urlsDeleted.get()).values[0]?.value ?? 0

    it('soft-deletes: 200 {message: deleted}, inactive row, one deleted event, counter +1', async () => {
      const u = await insertUrl({ user_id: alice })
      const before = await deletedCounter()
      const res = await del(u.id)
      expect([res.statusCode, res.json()]).toEqual([200, { message: 'deleted' }])
      const [row] = await t.db.select().from(urls).where(eq(urls.id, u.id))
      expect(row!.is_active).toBe(false)
      expect((await eventsOf(u.id, 'deleted')).map((e) => e.user_id)).toEqual([alice])
      expect(await deletedCounter()).toBe(before + 1)
    })

    it('is idempotent: re-deleting answers 200 with no second event and no counter bump', async () => {
      const u = await insertUrl()
      expect((await del(u.id)).statusCode).toBe(200)
      const before = await deletedCounter()
      const again = await del(u.id)
      expect([again.statusCode, again.json()]).toEqual([200, { message: 'deleted' }])
      expect(await eventsOf(u.id, 'deleted')).toHaveLength(1)
      expect(await deletedCounter()).toBe(before)
      // the original's second delete tripped the delete/recreate signal; it must not any more
      const risk = (await t.app.inject(`/urls/${u.id}/risk`)).json()
      expect(risk.signals.delete_recreate_pattern).toBeUndefined()
    })

    it('writes a single event when the same URL is deleted concurrently', async () => {
      const u = await insertUrl()
      const results = await Promise.all(Array.from({ length: 8 }, () => del(u.id)))
      expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(200))
      expect(await eventsOf(u.id, 'deleted')).toHaveLength(1)
    })

    it('accepts the owner, and any user on an ownerless URL', async () => {
      const mine = await insertUrl({ user_id: alice })
      expect((await del(mine.id, { user_id: alice })).statusCode).toBe(200)
      const orphan = await insertUrl({ user_id: null })
      expect((await del(orphan.id, { user_id: String(bob) })).statusCode).toBe(200)
    })

    it.each([
      ['a missing id with a malformed body (404 before the body)', 'missing', raw('{oops'), 404, 'Not found'],
      ['a missing id', 'missing', undefined, 404, 'Not found'],
      ['malformed JSON', 'own', raw('{oops'), 400, 'Missing request body'],
      ['a scalar body', 'own', raw('42'), 400, 'Missing request body'],
      ['a non-JSON body', 'own', raw('user_id=1', 'text/plain'), 400, 'Missing request body'],
      ['user_id invalid', 'own', { user_id: 'x' }, 400, 'Invalid user_id'],
      ['user_id unknown', 'own', { user_id: 555_555 }, 404, 'User not found'],
      ['another owner', 'own', { user_id: 'BOB' }, 403, 'Forbidden'],
    ])('rejects %s and changes nothing', async (_, which, payload, status, error) => {
      const u = await insertUrl({ user_id: alice })
      const body =
        payload && typeof payload === 'object' && !('headers' in payload)
          ? JSON.parse(JSON.stringify(payload).replace('"BOB"', String(bob)))
          : payload
      const res = await del(which === 'missing' ? 999_999 : u.id, body)
      expect([res.statusCode, res.json()]).toEqual([status, { error, code: status }])
      const [row] = await t.db.select().from(urls).where(eq(urls.id, u.id))
      expect(row).toEqual(u)
      expect(await eventsOf(u.id, 'deleted')).toEqual([])
    })

    it('ignores unknown keys in the optional body', async () => {
      const u = await insertUrl()
      expect((await del(u.id, { reason: 'spam', user_id: null })).statusCode).toBe(200)
    })
  })
})
