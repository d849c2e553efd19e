import { events, urls, users } from '@ghostlink/db'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type TestApp } from '../helpers/build-app.js'

let t: TestApp
beforeAll(async () => {
  t = await buildApp()
})
afterAll(() => t.close())

const post = (payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/users', payload: payload as object, headers: { 'content-type': 'application/json' } })
const send = (method: 'PUT' | 'PATCH', id: number | string, payload: unknown) =>
  t.app.inject({ method, url: `/users/${id}`, payload: payload as object, headers: { 'content-type': 'application/json' } })
const status = (res: { statusCode: number; json: () => { error?: string } }) => [res.statusCode, res.json().error]

async function makeUser(username: string, email = `${username}@example.com`) {
  const res = await post({ username, email })
  expect(res.statusCode).toBe(201)
  return res.json() as { id: number; username: string; email: string; created_at: string }
}

describe('POST /users', () => {
  it('creates a user and answers 201 with the user object', async () => {
    const res = await post({ username: '  alice  ', email: ' alice@example.com ', ignored: 1 })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toEqual({ id: expect.any(Number), username: 'alice', email: 'alice@example.com', created_at: expect.any(String) })
    expect(Date.now() - Date.parse(body.created_at)).toBeLessThan(60_000)
    const [row] = await t.db.select().from(users).where(eq(users.id, body.id))
    expect(row?.username).toBe('alice')
  })

  it.each([
    ['2024-05-04 22:36:09', '2024-05-04T22:36:09.000Z'],
    ['2024-05-04T22:36:09Z', '2024-05-04T22:36:09.000Z'],
    ['2024-05-04T23:36:09+01:00', '2024-05-04T22:36:09.000Z'],
    ['2024-05-04', '2024-05-04T00:00:00.000Z'],
  ])('keeps a valid created_at %s', async (created_at, iso) => {
    const name = `ts${Math.random().toString(36).slice(2, 8)}`
    const res = await post({ username: name, email: `${name}@x.io`, created_at })
    expect(res.statusCode).toBe(201)
    expect(res.json().created_at).toBe(iso)
  })

  it.each([
    ['no body', undefined, 400, 'Missing request body'],
    ['malformed JSON', '{"username":', 400, 'Missing request body'],
    ['a JSON array', '[1,2]', 400, 'Missing request body'],
    ['a JSON string', '"x"', 400, 'Missing request body'],
    ['missing username', { email: 'a@b.co' }, 400, 'Missing username or email'],
    ['missing email', { username: 'bob' }, 400, 'Missing username or email'],
    ['username not a string', { username: 5, email: 'a@b.co' }, 400, 'Missing username or email'],
    ['blank email', { username: 'bob', email: '   ' }, 400, 'Missing username or email'],
    // order: missing fields are checked before the email format
    ['blank username and bad email', { username: ' ', email: 'nope' }, 400, 'Missing username or email'],
    ['email without @', { username: 'bob', email: 'bob.example.com' }, 422, 'Invalid email'],
    ['email without dot in domain', { username: 'bob', email: 'bob@example' }, 422, 'Invalid email'],
    ['email with two @', { username: 'bob', email: 'b@b@x.io' }, 422, 'Invalid email'],
    ['email with a space', { username: 'bob', email: 'b ob@x.io' }, 422, 'Invalid email'],
    ['email over 255 chars', { username: 'bob', email: `${'e'.repeat(251)}@x.io` }, 422, 'Invalid email'],
    // order: the email is checked before the username length
    ['bad email and long username', { username: 'u'.repeat(101), email: 'nope' }, 422, 'Invalid email'],
    ['username over 100 chars', { username: 'u'.repeat(101), email: 'bob@x.io' }, 400, 'Invalid username'],
    ['username with NUL', { username: 'b\u0000b', email: 'bob@x.io' }, 400, 'Invalid username'],
    ['created_at not a date', { username: 'bob', email: 'bob@x.io', created_at: 'yesterday' }, 400, 'Invalid created_at'],
    ['created_at impossible day', { username: 'bob', email: 'bob@x.io', created_at: '2024-02-30 10:00:00' }, 400, 'Invalid created_at'],
    ['created_at a number', { username: 'bob', email: 'bob@x.io', created_at: 1700000000 }, 400, 'Invalid created_at'],
  ])('rejects %s', async (_, payload, code, error) => {
    const before = await t.db.$count(users)
    const res =
      typeof payload === 'string' || payload === undefined
        ? await t.app.inject({ method: 'POST', url: '/users', body: payload, headers: { 'content-type': 'application/json' } })
        : await post(payload)
    expect(status(res)).toEqual([code, error])
    expect(res.json().code).toBe(code)
    expect(await t.db.$count(users)).toBe(before)
  })

  it.each([
    ['same email', 'dupe1', 'taken@example.com'],
    ['same username', 'taken', 'other@example.com'],
  ])('answers 409 User already exists for the %s', async (_, username, email) => {
    await post({ username: 'taken', email: 'taken@example.com' })
    const res = await post({ username, email })
    expect([res.statusCode, res.json()]).toEqual([409, { error: 'User already exists', code: 409 }])
  })

  it('recovers when the id sequence lags behind imported ids', async () => {
    // an import that did not move the sequence: the next id the sequence hands out is already taken
    const [seq] = await t.db.$client<{ next: number }[]>`select case when is_called then last_value + 1 else last_value end::int as next from users_id_seq`
    await t.db.insert(users).values({ id: seq!.next, username: 'imported1', email: 'imported1@x.io' })
    const res = await post({ username: 'afterimport', email: 'afterimport@x.io' })
    expect(res.statusCode).toBe(201)
    expect(res.json().id).toBe(seq!.next + 1)
  })
})

describe('GET /users', () => {
  beforeAll(async () => {
    for (let i = 0; i < 60; i++) await t.db.insert(users).values({ username: `page${i}`, email: `page${i}@x.io` }).onConflictDoNothing()
  })

  it('returns a bare array ordered by id, 50 per page by default', async () => {
    const res = await t.app.inject('/users')
    expect(res.statusCode).toBe(200)
    const body = res.json() as { id: number }[]
    expect(Array.isArray(body)).toBe(true)
    expect(body).toHaveLength(50)
    expect(body.map((u) => u.id)).toEqual([...body.map((u) => u.id)].sort((a, b) => a - b))
    expect(Object.keys(body[0]!).sort()).toEqual(['created_at', 'email', 'id', 'username'])
  })

  it('pages with page and per_page', async () => {
    const all = (await t.app.inject('/users?per_page=1000')).json() as { id: number }[]
    const page2 = (await t.app.inject('/users?page=2&per_page=5')).json() as { id: number }[]
    expect(page2.map((u) => u.id)).toEqual(all.slice(5, 10).map((u) => u.id))
    expect((await t.app.inject('/users?page=100000')).json()).toEqual([])
  })

  it.each([
    ['page=0', 50, 0],
    ['page=-3', 50, 0],
    ['page=abc', 50, 0],
    ['per_page=0', 50, 0],
    ['per_page=x', 50, 0],
    ['per_page=%2B3', 3, 0],
    ['per_page=2.5', 50, 0],
    ['per_page=3&page=99999999999999999999', 0, 0],
  ])('falls back to defaults for invalid values (%s)', async (qs, expected) => {
    const res = await t.app.inject(`/users?${qs}`)
    expect(res.statusCode).toBe(200)
    expect((res.json() as unknown[]).length).toBe(expected)
  })

  it('caps per_page at 1000', async () => {
    await t.db.$client`insert into users (username, email) select 'cap' || g, 'cap' || g || '@x.io' from generate_series(1, 1005) g`
    const res = await t.app.inject('/users?per_page=5000')
    expect((res.json() as unknown[]).length).toBe(1000)
  })
})

describe('GET /users/:id', () => {
  it('returns the user', async () => {
    const u = await makeUser('getme')
    const res = await t.app.inject(`/users/${u.id}`)
    expect([res.statusCode, res.json()]).toEqual([200, u])
  })

  it.each(['999999', 'abc', '-1', '1.5', '99999999999'])('answers 404 Not found for %s', async (id) => {
    const res = await t.app.inject(`/users/${id}`)
    expect([res.statusCode, res.json()]).toEqual([404, { error: 'Not found', code: 404 }])
  })
})

describe('PUT and PATCH /users/:id', () => {
  it.each(['PUT', 'PATCH'] as const)('%s updates username and email', async (method) => {
    const u = await makeUser(`upd${method}`)
    const res = await send(method, u.id, { username: ` new${method} `, email: `new${method}@x.io`, unknown: true })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ ...u, username: `new${method}`, email: `new${method}@x.io` })
    const [row] = await t.db.select().from(users).where(eq(users.id, u.id))
    expect(row?.email).toBe(`new${method}@x.io`)
  })

  it('accepts {} and returns the user unchanged', async () => {
    const u = await makeUser('unchanged')
    const res = await send('PATCH', u.id, {})
    expect([res.statusCode, res.json()]).toEqual([200, u])
  })

  it.each([
    ['no body', undefined, 400, 'Missing request body'],
    ['a JSON array', '[]', 400, 'Missing request body'],
    ['malformed JSON', '{', 400, 'Missing request body'],
    ['username blank', { username: '  ' }, 400, 'Invalid username'],
    ['username null', { username: null }, 400, 'Invalid username'],
    ['username a number', { username: 7 }, 400, 'Invalid username'],
    ['username over 100 chars', { username: 'x'.repeat(101) }, 400, 'Invalid username'],
    ['email blank', { email: '' }, 400, 'Invalid email'],
    ['email an object', { email: { a: 1 } }, 400, 'Invalid email'],
    ['email not an address (fix: checked on update too)', { email: 'notanemail' }, 422, 'Invalid email'],
    ['email over 255 chars', { email: `${'e'.repeat(251)}@x.io` }, 422, 'Invalid email'],
    // order: username is checked before email
    ['bad username and bad email', { username: '', email: 'bad' }, 400, 'Invalid username'],
    ['email taken', { email: 'clash@x.io' }, 409, 'User already exists'],
    ['username taken', { username: 'clash' }, 409, 'User already exists'],
  ])('rejects %s', async (_, payload, code, error) => {
    await makeUser('clash', 'clash@x.io').catch(() => undefined)
    const u = await makeUser(`rej${Math.random().toString(36).slice(2, 8)}`)
    const res =
      typeof payload === 'string' || payload === undefined
        ? await t.app.inject({ method: 'PATCH', url: `/users/${u.id}`, body: payload, headers: { 'content-type': 'application/json' } })
        : await send('PATCH', u.id, payload)
    expect([res.statusCode, res.json()]).toEqual([code, { error, code }])
    expect((await t.app.inject(`/users/${u.id}`)).json()).toEqual(u)
  })

  it('checks the body before existence, then existence before the fields', async () => {
    expect(status(await send('PUT', 999999, '"x"'))).toEqual([400, 'Missing request body'])
    expect(status(await send('PUT', 999999, { username: '' }))).toEqual([404, 'Not found'])
  })
})

describe('DELETE /users/:id', () => {
  it('hard-deletes and sets the owner of urls and events to NULL', async () => {
    const u = await makeUser('leaver')
    const [url] = await t.db.insert(urls).values({ short_code: 'leave1', original_url: 'https://x.io', user_id: u.id }).returning()
    await t.db.insert(events).values({ url_id: url!.id, user_id: u.id, event_type: 'created' })
    const res = await t.app.inject({ method: 'DELETE', url: `/users/${u.id}` })
    expect([res.statusCode, res.json()]).toEqual([200, { message: 'deleted', id: u.id }])
    expect(await t.db.$count(users, eq(users.id, u.id))).toBe(0)
    const [after] = await t.db.select().from(urls).where(eq(urls.id, url!.id))
    expect(after?.user_id).toBeNull()
    const evs = await t.db.select().from(events).where(eq(events.url_id, url!.id))
    expect(evs.map((e) => e.user_id)).toEqual([null])
    const again = await t.app.inject({ method: 'DELETE', url: `/users/${u.id}` })
    expect([again.statusCode, again.json()]).toEqual([404, { error: 'Not found', code: 404 }])
  })

  it('answers 405 JSON for a wrong method on /users', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/users' })
    expect([res.statusCode, res.json()]).toEqual([405, { error: 'Method not allowed', code: 405 }])
  })
})
