import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RouteOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CANARIES } from '@ghostlink/db'
import { ADMIN_KEY, bearer, buildTokenApp, createLink, createUser, quarantine, revokedKey, userKey } from '../helpers/auth.js'
import type { TestApp } from '../helpers/build-app.js'

/**
 * Every API route × every kind of caller, in token mode (docs/SECURITY.md#who-may-call-what). Each request gets fresh
 * resources: alice (the caller of the `own` and `other` columns) and bob, a link each, alice's spare key, bob's key.
 *   none      no Authorization header, on alice's resource
 *   own       alice's user key on alice's resource
 *   other     alice's user key on bob's resource
 *   admin     the admin key on bob's resource
 *   revoked   alice's revoked key on alice's resource
 *   malformed a header that is not `Bearer <token>`, on alice's resource
 */
type Fixture = {
  alice: number
  bob: number
  aliceKey: string
  aliceSpareKeyId: number
  bobKeyId: number
  revoked: string
  aliceLink: { id: number; short_code: string }
  bobLink: { id: number; short_code: string }
  code: string
}
type Side = { user: number; link: { id: number; short_code: string }; keyId: number }
type Column = 'none' | 'own' | 'other' | 'admin' | 'revoked' | 'malformed'
type Row = {
  route: string
  path: (s: Side, f: Fixture) => string
  body?: (s: Side, f: Fixture) => Record<string, unknown>
  expect: Record<Column, number>
}

const PUBLIC = { none: 200, own: 200, other: 200, admin: 200, revoked: 200, malformed: 200 }
const ADMIN_ONLY = (ok: number) => ({ none: 401, own: 403, other: 403, admin: ok, revoked: 401, malformed: 401 })
const OWNED = (ok: number, other = 404) => ({ none: 401, own: ok, other, admin: ok, revoked: 401, malformed: 401 })

const rows: Row[] = [
  { route: 'GET /health', path: () => '/health', expect: PUBLIC },
  { route: 'GET /ready', path: () => '/ready', expect: PUBLIC },
  ...CANARIES.map((c) => ({ route: `GET /${c}`, path: () => `/${c}`, expect: PUBLIC })),
  { route: 'GET /metrics', path: () => '/metrics', expect: PUBLIC },
  {
    route: 'POST /shorten',
    path: () => '/shorten',
    body: (s) => ({ original_url: 'https://example.org/a', user_id: s.user }),
    expect: OWNED(201, 403),
  },
  { route: 'GET /urls', path: (s) => `/urls?user_id=${s.user}`, expect: OWNED(200, 200) },
  {
    route: 'POST /urls',
    path: () => '/urls',
    body: (s) => ({ original_url: 'https://example.org/b', user_id: s.user }),
    expect: OWNED(201, 403),
  },
  { route: 'GET /urls/:id', path: (s) => `/urls/${s.link.id}`, expect: OWNED(200) },
  // the short-code alias is a redirect, public like /<code>
  {
    route: 'GET /urls/:id (short code)',
    path: (s) => `/urls/${s.link.short_code}`,
    expect: { none: 302, own: 302, other: 302, admin: 302, revoked: 302, malformed: 302 },
  },
  { route: 'PUT /urls/:id', path: (s) => `/urls/${s.link.id}`, body: () => ({ title: 'new' }), expect: OWNED(200) },
  { route: 'PATCH /urls/:id', path: (s) => `/urls/${s.link.id}`, body: () => ({ title: 'new' }), expect: OWNED(200) },
  { route: 'DELETE /urls/:id', path: (s) => `/urls/${s.link.id}`, expect: OWNED(200) },
  { route: 'GET /urls/:id/risk', path: (s) => `/urls/${s.link.id}/risk`, expect: OWNED(200) },
  // the dashboard's reads (apps/web): a user key sees its own links whatever user_id says; the rest is for operators
  { route: 'GET /dashboard/links', path: (s) => `/dashboard/links?user_id=${s.user}`, expect: OWNED(200, 200) },
  { route: 'GET /dashboard/quarantine-audit', path: () => '/dashboard/quarantine-audit', expect: ADMIN_ONLY(200) },
  { route: 'GET /dashboard/risk-links', path: () => '/dashboard/risk-links', expect: ADMIN_ONLY(200) },
  { route: 'GET /dashboard/ops', path: () => '/dashboard/ops', expect: ADMIN_ONLY(200) },
  { route: 'GET /urls/:id/stats', path: (s) => `/urls/${s.link.id}/stats`, expect: OWNED(200) },
  { route: 'GET /stats', path: () => '/stats', expect: ADMIN_ONLY(200) },
  { route: 'GET /users/me/stats', path: () => '/users/me/stats', expect: OWNED(200, 200) },
  { route: 'GET /users/:id/stats', path: (s) => `/users/${s.user}/stats`, expect: ADMIN_ONLY(200) },
  { route: 'GET /urls/:id/qr', path: (s) => `/urls/${s.link.id}/qr`, expect: OWNED(200) },
  { route: 'GET /openapi.json', path: () => '/openapi.json', expect: PUBLIC },
  { route: 'GET /docs', path: () => '/docs/', expect: PUBLIC },
  { route: 'GET /users', path: () => '/users', expect: ADMIN_ONLY(200) },
  {
    route: 'POST /users',
    path: () => '/users',
    body: (s) => ({ username: `new${s.user}`, email: `new${s.user}@example.com` }),
    expect: ADMIN_ONLY(201),
  },
  { route: 'GET /users/me', path: () => '/users/me', expect: OWNED(200, 200) },
  { route: 'GET /users/:id', path: (s) => `/users/${s.user}`, expect: ADMIN_ONLY(200) },
  { route: 'PUT /users/:id', path: (s) => `/users/${s.user}`, body: (s) => ({ username: `ren${s.user}` }), expect: ADMIN_ONLY(200) },
  { route: 'PATCH /users/:id', path: (s) => `/users/${s.user}`, body: (s) => ({ username: `ren${s.user}` }), expect: ADMIN_ONLY(200) },
  { route: 'DELETE /users/:id', path: (s) => `/users/${s.user}`, expect: ADMIN_ONLY(200) },
  { route: 'POST /users/bulk', path: () => '/users/bulk', body: () => ({ file: 'users.csv' }), expect: ADMIN_ONLY(201) },
  { route: 'POST /users/:id/keys', path: (s) => `/users/${s.user}/keys`, body: () => ({ name: 'ci' }), expect: ADMIN_ONLY(201) },
  { route: 'POST /keys', path: () => '/keys', body: () => ({ name: 'mine' }), expect: OWNED(201, 201) },
  { route: 'GET /keys', path: () => '/keys', expect: OWNED(200, 200) },
  { route: 'DELETE /keys/:id', path: (s) => `/keys/${s.keyId}`, expect: OWNED(200) },
  { route: 'GET /events', path: (s) => `/events?url_id=${s.link.id}`, expect: OWNED(200, 200) },
  {
    route: 'POST /events',
    path: () => '/events',
    body: (s) => ({ url_id: s.link.id, event_type: 'note' }),
    expect: OWNED(201),
  },
  { route: 'GET /quarantine', path: () => '/quarantine', expect: ADMIN_ONLY(200) },
  { route: 'POST /quarantine/:code', path: (s) => `/quarantine/${s.link.short_code}`, expect: ADMIN_ONLY(201) },
  { route: 'DELETE /quarantine/:code', path: (_s, f) => `/quarantine/${f.code}`, expect: ADMIN_ONLY(200) },
]

let t: TestApp
let dataDir: string
const registered: RouteOptions[] = []

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gl-auth-matrix-'))
  writeFileSync(join(dataDir, 'users.csv'), 'id,username,email,created_at\n900001,bulkone,bulkone@example.com,2026-01-15 10:40:27\n')
  t = await buildTokenApp({
    // revoked and malformed columns are failures from one IP: keep the guessing limiter out of this table
    env: { DATA_DIR: dataDir, AUTH_FAILURES_PER_MIN: '100000' },
    onRoute: (r) => registered.push(r),
  })
})
afterAll(async () => {
  await t?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

async function fixture(): Promise<Fixture> {
  const alice = await createUser(t, 'alice')
  const bob = await createUser(t, 'bob')
  const aliceLink = await createLink(t, alice)
  const bobLink = await createLink(t, bob)
  const code = `q${aliceLink.short_code}`
  await quarantine(t, code)
  return {
    alice,
    bob,
    aliceKey: (await userKey(t, alice)).key,
    aliceSpareKeyId: (await userKey(t, alice)).id,
    bobKeyId: (await userKey(t, bob)).id,
    revoked: await revokedKey(t, alice),
    aliceLink,
    bobLink,
    code,
  }
}

/** Calls the row's route as the column's caller; the answer and the path it asked. */
async function call(row: Row, column: Column) {
  const f = await fixture()
  const own: Side = { user: f.alice, link: f.aliceLink, keyId: f.aliceSpareKeyId }
  const other: Side = { user: f.bob, link: f.bobLink, keyId: f.bobKeyId }
  const side = column === 'other' || column === 'admin' ? other : own
  const headers: Record<string, string> = {
    none: {},
    own: bearer(f.aliceKey),
    other: bearer(f.aliceKey),
    admin: bearer(ADMIN_KEY),
    revoked: bearer(f.revoked),
    malformed: { authorization: `Basic ${Buffer.from(`x:${f.aliceKey}`).toString('base64')}` },
  }[column]
  const [method] = row.route.split(' ') as ['GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE']
  const body = row.body?.(side, f)
  const path = row.path(side, f)
  const res = await t.app.inject({
    method,
    url: path,
    headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
    ...(body ? { payload: JSON.stringify(body) } : {}),
  })
  return { res, path }
}

const columns: Column[] = ['none', 'own', 'other', 'admin', 'revoked', 'malformed']

describe('who may call each route (token mode)', () => {
  for (const row of rows) {
    it.each(columns)(`${row.route} — %s`, async (column) => {
      const { res, path } = await call(row, column)
      // a path the target's front door refuses never reaches the API, whoever asks (TestApp.hides)
      const expected = t.hides?.(path) ? 404 : row.expect[column]
      expect(res.statusCode, res.body).toBe(expected)
      if (res.statusCode === 401) {
        expect(res.json()).toEqual({ error: 'Unauthorized', code: 401 })
        expect(res.headers['www-authenticate']).toBe('Bearer')
      }
      if (res.statusCode === 403) expect(res.json()).toEqual({ error: 'Forbidden', code: 403 })
    })
  }

  it('covers every registered route, and every route states who may call it', () => {
    const covered = new Set(rows.map((r) => r.route.replace(/ \(.*\)$/, '')))
    const missing: string[] = []
    const undeclared: string[] = []
    for (const r of registered) {
      if (r.config?.methodNotAllowed) continue
      // Swagger UI's own asset routes under /docs/: public like GET /docs (the row above), declared by routes/openapi.ts
      if (r.url.startsWith('/docs/') && r.config?.auth === 'public') continue
      for (const method of [r.method].flat()) {
        if (method === 'HEAD') continue
        const route = `${method} ${r.url}`
        if (!covered.has(route)) missing.push(route)
        if (r.config?.auth === undefined && r.url !== '/metrics') undeclared.push(route)
      }
    }
    expect(missing).toEqual([])
    expect(undeclared).toEqual([])
  })
})

describe('what a user key sees of other users', () => {
  it('GET /urls lists only its own links, and a filter on another user matches nothing', async () => {
    const f = await fixture()
    const mine = await t.app.inject({ url: '/urls', headers: bearer(f.aliceKey) })
    expect(mine.json().map((u: { user_id: number }) => u.user_id)).toEqual([f.alice])
    const theirs = await t.app.inject({ url: `/urls?user_id=${f.bob}`, headers: bearer(f.aliceKey) })
    expect(theirs.json()).toEqual([])
    const admin = await t.app.inject({ url: `/urls?user_id=${f.bob}`, headers: bearer(ADMIN_KEY) })
    expect(admin.json().map((u: { id: number }) => u.id)).toEqual([f.bobLink.id])
  })

  it('GET /events shows events of its own links only', async () => {
    const f = await fixture()
    for (const link of [f.aliceLink, f.bobLink]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/events',
        headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' },
        payload: JSON.stringify({ url_id: link.id, event_type: 'note' }),
      })
      expect(res.statusCode).toBe(201)
    }
    const all = await t.app.inject({ url: '/events?event_type=note&per_page=1000', headers: bearer(f.aliceKey) })
    const ids = new Set(all.json().map((e: { url_id: number }) => e.url_id))
    expect(ids.has(f.aliceLink.id)).toBe(true)
    expect(ids.has(f.bobLink.id)).toBe(false)
    const theirs = await t.app.inject({ url: `/events?url_id=${f.bobLink.id}`, headers: bearer(f.aliceKey) })
    expect(theirs.json()).toEqual([])
  })

  it('another user link answers exactly like a missing one', async () => {
    const f = await fixture()
    const theirs = await t.app.inject({ url: `/urls/${f.bobLink.id}`, headers: bearer(f.aliceKey) })
    const missing = await t.app.inject({ url: '/urls/2147483000', headers: bearer(f.aliceKey) })
    expect([theirs.statusCode, theirs.body]).toEqual([missing.statusCode, missing.body])
    const ev = (url_id: number) =>
      t.app.inject({
        method: 'POST',
        url: '/events',
        headers: { ...bearer(f.aliceKey), 'content-type': 'application/json' },
        payload: JSON.stringify({ url_id, event_type: 'note' }),
      })
    const [a, b] = [await ev(f.bobLink.id), await ev(2147483000)]
    expect([a.statusCode, a.body]).toEqual([b.statusCode, b.body])
  })

  it('a user key creates links owned by its user when user_id is left out', async () => {
    const f = await fixture()
    const res = await t.app.inject({
      method: 'POST',
      url: '/shorten',
      headers: { ...bearer(f.aliceKey), 'content-type': 'application/json' },
      payload: JSON.stringify({ original_url: 'https://example.org/mine' }),
    })
    expect(res.statusCode).toBe(201)
    const link = await t.app.inject({ url: `/urls/${res.json().id}`, headers: bearer(f.aliceKey) })
    expect(link.json().user_id).toBe(f.alice)
  })
})
