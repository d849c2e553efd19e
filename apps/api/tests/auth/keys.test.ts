import { apiKeys, events, quarantineAudit } from '@ghostlink/db'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashKeySecret } from '../../src/auth/key-secret.js'
import { ADMIN_KEY, bearer, buildTokenApp, createLink, createUser, userKey } from '../helpers/auth.js'
import type { TestApp } from '../helpers/build-app.js'

let t: TestApp
beforeAll(async () => {
  t = await buildTokenApp()
})
afterAll(async () => t?.close())

const json = (headers: Record<string, string>) => ({ ...headers, 'content-type': 'application/json' })
const post = (url: string, key: string, body: unknown = {}) =>
  t.app.inject({ method: 'POST', url, headers: json(bearer(key)), payload: JSON.stringify(body) })

describe('API keys', () => {
  it('an admin mints a user key: 201 with the secret once, only its hash is stored', async () => {
    const user = await createUser(t)
    const res = await post(`/users/${user}/keys`, ADMIN_KEY, { name: 'ci' })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(Object.keys(body).sort()).toEqual(['created_at', 'id', 'key', 'name', 'prefix', 'scope', 'user_id'])
    expect(body).toMatchObject({ scope: 'user', user_id: user, name: 'ci' })
    expect(body.key).toMatch(/^gl_[A-Za-z0-9_-]{43}$/)
    expect(body.prefix).toBe(body.key.slice(0, 11))
    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, body.id))
    expect(row!.hash).toBe(hashKeySecret(body.key))
    expect(JSON.stringify(row)).not.toContain(body.key)
    // the new key works at once, as its user
    const me = await t.app.inject({ url: '/users/me', headers: bearer(body.key) })
    expect(me.json().id).toBe(user)
  })

  it('GET /keys lists without secrets; a user sees its own keys, an admin every key', async () => {
    const alice = await createUser(t, 'alice')
    const bob = await createUser(t, 'bob')
    const a = await userKey(t, alice)
    const b = await userKey(t, bob)
    const mine = await t.app.inject({ url: '/keys', headers: bearer(a.key) })
    expect(mine.json().map((k: { id: number }) => k.id)).toEqual([a.id])
    expect(mine.body).not.toContain(a.key)
    expect(mine.body).not.toContain(hashKeySecret(a.key))
    const all = await t.app.inject({ url: '/keys', headers: bearer(ADMIN_KEY) })
    const ids = all.json().map((k: { id: number }) => k.id)
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id]))
    expect(all.body).not.toContain(b.key)
  })

  it('POST /keys makes a key for the caller; a user key cannot mint an admin key', async () => {
    const alice = await createUser(t)
    const a = await userKey(t, alice)
    const res = await post('/keys', a.key, { name: 'laptop' })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ user_id: alice, scope: 'user', name: 'laptop' })
    expect((await post('/keys', a.key, { scope: 'admin' })).statusCode).toBe(403)
    expect((await post('/keys', a.key, { name: 7 })).json()).toEqual({ error: 'Invalid request body', code: 400 })
  })

  it('DELETE /keys/:id revokes: the key answers 401 on the next request, and revoking again is still 200', async () => {
    const alice = await createUser(t)
    const a = await userKey(t, alice)
    expect((await t.app.inject({ url: '/users/me', headers: bearer(a.key) })).statusCode).toBe(200)
    const res = await t.app.inject({ method: 'DELETE', url: `/keys/${a.id}`, headers: bearer(ADMIN_KEY) })
    expect(res.json()).toEqual({ message: 'revoked', id: a.id })
    expect((await t.app.inject({ url: '/users/me', headers: bearer(a.key) })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'DELETE', url: `/keys/${a.id}`, headers: bearer(ADMIN_KEY) })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'DELETE', url: '/keys/2147483000', headers: bearer(ADMIN_KEY) })).statusCode).toBe(404)
  })

  it('POST /users/:id/keys for a missing user is 404', async () => {
    const res = await post('/users/2147483000/keys', ADMIN_KEY)
    expect(res.json()).toEqual({ error: 'Not found', code: 404 })
  })
})

describe('authentication', () => {
  it('a key in the query string is never accepted', async () => {
    const a = await userKey(t, await createUser(t))
    for (const q of ['api_key', 'key', 'access_token', 'token']) {
      const res = await t.app.inject({ url: `/users/me?${q}=${a.key}` })
      expect(res.statusCode).toBe(401)
    }
  })

  it.each([
    ['Bearer', 'no token'],
    ['Bearer a b', 'two tokens'],
    ['Token abc', 'another scheme'],
    [`Bearer ${'x'.repeat(300)}`, 'too long'],
  ])('%s (%s) is 401 with WWW-Authenticate: Bearer', async (header) => {
    const res = await t.app.inject({ url: '/urls', headers: { authorization: header } })
    expect(res.statusCode).toBe(401)
    expect(res.headers['www-authenticate']).toBe('Bearer')
    expect(res.json()).toEqual({ error: 'Unauthorized', code: 401 })
  })

  it('the bootstrap key belongs to the built-in admin user', async () => {
    const me = await t.app.inject({ url: '/users/me', headers: bearer(ADMIN_KEY) })
    expect(me.json().username).toBe('admin')
    const keys = await t.app.inject({ url: '/keys', headers: bearer(ADMIN_KEY) })
    const boot = keys.json().find((k: { name: string }) => k.name === 'GHOSTLINK_ADMIN_KEY')
    expect(boot).toMatchObject({ scope: 'admin', user_id: me.json().id, revoked_at: null })
  })

  it('the bootstrap key survives the deletion of the built-in user, but not its own revocation', async () => {
    const app = await buildTokenApp()
    try {
      const me = await app.app.inject({ url: '/users/me', headers: bearer(ADMIN_KEY) })
      expect((await app.app.inject({ method: 'DELETE', url: `/users/${me.json().id}`, headers: bearer(ADMIN_KEY) })).statusCode).toBe(200)
      await new Promise((r) => setTimeout(r, 600)) // past the key cache
      const again = await app.app.inject({ url: '/users/me', headers: bearer(ADMIN_KEY) })
      expect(again.statusCode).toBe(200)
      expect(again.json().username).toBe('admin')
      const keys = await app.app.inject({ url: '/keys', headers: bearer(ADMIN_KEY) })
      const boot = keys.json().find((k: { name: string }) => k.name === 'GHOSTLINK_ADMIN_KEY')
      await app.app.inject({ method: 'DELETE', url: `/keys/${boot.id}`, headers: bearer(ADMIN_KEY) })
      expect((await app.app.inject({ url: '/users/me', headers: bearer(ADMIN_KEY) })).statusCode).toBe(401)
    } finally {
      await app.close()
    }
  })

  it('unknown routes stay JSON 404 and wrong methods JSON 405, with or without a key', async () => {
    expect((await t.app.inject({ url: '/nope' })).json()).toEqual({ error: 'Not found', code: 404 })
    expect((await t.app.inject({ method: 'PATCH', url: '/urls' })).json()).toEqual({ error: 'Method not allowed', code: 405 })
    // HEAD routes inherit their GET route's rule
    expect((await t.app.inject({ method: 'HEAD', url: '/urls' })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'HEAD', url: '/health' })).statusCode).toBe(200)
  })
})

describe('audit', () => {
  it('link events and quarantine actions record the acting key', async () => {
    const alice = await createUser(t)
    const a = await userKey(t, alice)
    const created = await post('/shorten', a.key, { original_url: 'https://example.org/audit' })
    const id = created.json().id
    await t.app.inject({ method: 'PATCH', url: `/urls/${id}`, headers: json(bearer(a.key)), payload: '{"title":"x"}' })
    await t.app.inject({ method: 'DELETE', url: `/urls/${id}`, headers: bearer(a.key) })
    const rows = await t.db.select().from(events).where(eq(events.url_id, id))
    expect(rows.map((e) => [e.event_type, e.actor_key_id])).toEqual([
      ['created', a.id],
      ['updated', a.id],
      ['deleted', a.id],
    ])
    const listed = await t.app.inject({ url: `/events?url_id=${id}`, headers: bearer(a.key) })
    expect(listed.json().map((e: { actor_key_id: number }) => e.actor_key_id)).toEqual([a.id, a.id, a.id])

    const admin = await t.app.inject({ url: '/keys', headers: bearer(ADMIN_KEY) })
    const adminKeyId = admin.json().find((k: { name: string }) => k.name === 'GHOSTLINK_ADMIN_KEY').id
    // a claimed actor is not believed: the key is the actor
    const q = await post('/quarantine/auditcode', ADMIN_KEY, { actor: 'someone-else', reason: 'test' })
    expect(q.json().actor).toBe(`key:${adminKeyId}`)
    const [audit] = await t.db.select().from(quarantineAudit).where(eq(quarantineAudit.short_code, 'auditcode'))
    expect(audit!.actor).toBe(`key:${adminKeyId}`)
  })
})

describe('security headers', () => {
  it('every answer carries nosniff, no-referrer and a CSP that loads nothing', async () => {
    // an unknown API route (two segments: a front door sends one-segment paths to the redirect tier as codes)
    for (const url of ['/health', '/urls', '/no/such/route']) {
      const res = await t.app.inject({ url })
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['referrer-policy']).toBe('no-referrer')
      expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'")
    }
  })
})

describe('anonymous links', () => {
  it('off (the default): POST /shorten without a key is 401', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/shorten', headers: json({}), payload: '{"original_url":"https://a.example"}' })
    expect(res.statusCode).toBe(401)
  })

  it('on: POST /shorten without a key makes an ownerless link, and nothing else opens', async () => {
    const anon = await buildTokenApp({ env: { ANONYMOUS_LINKS: 'true' } })
    try {
      const shorten = (body: unknown) =>
        anon.app.inject({ method: 'POST', url: '/shorten', headers: json({}), payload: JSON.stringify(body) })
      const res = await shorten({ original_url: 'https://a.example' })
      expect(res.statusCode).toBe(201)
      const link = await anon.app.inject({ url: `/urls/${res.json().id}`, headers: bearer(ADMIN_KEY) })
      expect(link.json().user_id).toBeNull()
      // claiming an owner needs a key
      const owner = await createUser(anon)
      expect((await shorten({ original_url: 'https://a.example', user_id: owner })).statusCode).toBe(401)
      expect((await anon.app.inject({ method: 'POST', url: '/urls', headers: json({}), payload: '{}' })).statusCode).toBe(401)
      expect((await anon.app.inject({ url: '/urls' })).statusCode).toBe(401)
      // a bad key is still refused, not treated as anonymous
      const bad = await anon.app.inject({
        method: 'POST',
        url: '/shorten',
        headers: json(bearer('gl_nope')),
        payload: '{"original_url":"https://a.example"}',
      })
      expect(bad.statusCode).toBe(401)
    } finally {
      await anon.close()
    }
  })
})

describe('open mode', () => {
  it('keeps the original open contract: no key needed, no key routes', async () => {
    const open = await buildTokenApp({ env: { AUTH_MODE: 'open' } })
    try {
      expect((await open.app.inject({ url: '/users' })).statusCode).toBe(200)
      const link = await createLink(open, null)
      expect((await open.app.inject({ method: 'DELETE', url: `/urls/${link.id}` })).statusCode).toBe(200)
      expect((await open.app.inject({ url: '/keys' })).statusCode).toBe(404)
      // /users/me is just /users/<not an id> there, as in the original
      expect((await open.app.inject({ url: '/users/me' })).json()).toEqual({ error: 'Not found', code: 404 })
    } finally {
      await open.close()
    }
  })
})
