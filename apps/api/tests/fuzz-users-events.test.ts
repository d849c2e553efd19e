import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { events, urls, users } from '@ghostlink/db'
import { asc } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '@ghostlink/testing'
import { buildApp, type TestApp } from './helpers/build-app.js'

// Deterministic fuzzing: every run throws the same inputs, so a failure is reproducible from its index.
const rand = seededRandom(20260405)
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!

const deep = (n: number): unknown => (n === 0 ? 'bottom' : { nested: deep(n - 1), list: [n] })
/** Values that are never a valid username, email, id, event_type, referrer or file name. */
const EVIL: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  2 ** 53 + 1,
  9_999_999_999,
  '',
  '   ',
  '\u0000',
  'a\u0000b',
  'x'.repeat(100_000),
  `${'y'.repeat(300)}@x.io`,
  "'; drop table users; --",
  '../../etc/passwd',
  'a/b',
  '..\\x',
  '1',
  '-5',
  'not-an-email',
  '\ud800',
  [],
  [1, 2, 3],
  {},
  { a: 1 },
  deep(40),
  { $ne: null },
]
const UNKNOWN_KEYS = ['__proto__', 'constructor', 'id', 'created_at', 'is_admin', 'ÿ', 'x'.repeat(500)]

type Fixed = () => Record<string, unknown>

/** Evil values under the target's keys (plus an unknown key); `fixed` pins fields that must stay as given. */
function fuzzObject(keys: string[], fixed?: Fixed): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (const k of keys) if (rand() < 0.8) o[k] = pick(EVIL)
  if (rand() < 0.5) o[pick(UNKNOWN_KEYS)] = pick(EVIL)
  return { ...o, ...fixed?.() }
}

const RAW_BODIES = ['{', '{"a":', '[', 'null', '"str"', '123', 'true', '{"username": "a", }', '\u0000', '{"a":1}{"b":2}', 'x'.repeat(20_000)]

/** A request body: mostly a JSON object of evil values, sometimes raw text with a JSON or a wrong content type. */
function fuzzRequest(keys: string[], fixed?: Fixed): { body: string; contentType: string } {
  const r = rand()
  if (r < 0.2) return { body: pick(RAW_BODIES), contentType: 'application/json' }
  if (r < 0.25) return { body: JSON.stringify(fuzzObject(keys, fixed)), contentType: pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) }
  if (r < 0.3) return { body: JSON.stringify(pick(EVIL)), contentType: 'application/json' }
  return { body: JSON.stringify(fuzzObject(keys, fixed)), contentType: 'application/json' }
}

let t: TestApp
let emptyDataDir: string
let urlId: number
let userId: number
let otherUserId: number

const snapshot = async () =>
  JSON.stringify([
    await t.db.select().from(users).orderBy(asc(users.id)),
    await t.db.select().from(urls).orderBy(asc(urls.id)),
    await t.db.select().from(events).orderBy(asc(events.id)),
  ])

beforeAll(async () => {
  emptyDataDir = mkdtempSync(join(tmpdir(), 'gl-fuzz-'))
  t = await buildApp({ env: { DATA_DIR: emptyDataDir } })
  const [u, o] = await t.db
    .insert(users)
    .values([
      { username: 'fuzzowner', email: 'fuzzowner@x.io' },
      { username: 'fuzzother', email: 'fuzzother@x.io' },
    ])
    .returning()
  userId = u!.id
  otherUserId = o!.id
  const [url] = await t.db.insert(urls).values({ short_code: 'fuzz01', original_url: 'https://fuzz.example', user_id: userId }).returning()
  urlId = url!.id
  await t.db.insert(events).values({ url_id: urlId, user_id: userId, event_type: 'created', details: { k: 'v' } })
})
afterAll(async () => {
  await t.close()
  rmSync(emptyDataDir, { recursive: true, force: true })
})

type Target = { name: string; method: 'POST' | 'PUT' | 'PATCH'; url: () => string; keys: () => string[]; body?: Fixed }

// An update whose username happens to be valid must still fail on its email, so nothing is ever stored.
const BAD_EVENT_TYPES = [null, '', '   ', 5, true, 'e'.repeat(51), 'a\u0000b', {}, ['click']]
const BAD_EMAILS = ['', '  ', 'not-an-email', 5, null, [], `${'y'.repeat(300)}@x.io`, 'a\u0000b@x.io', 'a b@x.io']

const targets: Target[] = [
  { name: 'POST /users', method: 'POST', url: () => '/users', keys: () => ['username', 'email', 'created_at'] },
  { name: 'PUT /users/:id', method: 'PUT', url: () => `/users/${userId}`, keys: () => ['username'], body: () => ({ email: pick(BAD_EMAILS) }) },
  {
    name: 'PATCH /users/:id',
    method: 'PATCH',
    url: () => `/users/${pick([userId, 0, 999999, 'abc', '99999999999'])}`,
    keys: () => ['username'],
    body: () => ({ email: pick(BAD_EMAILS) }),
  },
  { name: 'POST /users/bulk', method: 'POST', url: () => '/users/bulk', keys: () => ['file', 'row_count'] },
  { name: 'POST /events', method: 'POST', url: () => '/events', keys: () => ['url_id', 'event_type', 'user_id', 'details', 'referrer'] },
  // past url_id: a real URL, so event_type (always evil) must stop it
  { name: 'POST /events (valid url_id)', method: 'POST', url: () => '/events', keys: () => ['event_type', 'user_id', 'details', 'referrer'], body: () => ({ url_id: urlId, event_type: pick(BAD_EVENT_TYPES) }) },
  // past event_type: user_id, details and referrer are fuzzed; the referrer is always invalid, so nothing is stored
  {
    name: 'POST /events (valid url_id and event_type)',
    method: 'POST',
    url: () => '/events',
    keys: () => ['user_id', 'details'],
    body: () => ({ url_id: urlId, event_type: 'click', user_id: pick([null, userId, otherUserId, ...EVIL]), referrer: pick([{ a: 1 }, [1], 'r'.repeat(3000), 'a\u0000b', 5]) }),
  },
]

describe('fuzzing the users, bulk and events routes', () => {
  it.each(targets)('$name never answers 5xx and never changes stored rows', async (target) => {
    const before = await snapshot()
    const failures: string[] = []
    for (let i = 0; i < 120; i++) {
      const { body, contentType } = fuzzRequest(target.keys(), target.body)
      const url = target.url()
      const res = await t.app.inject({ method: target.method, url, body, headers: { 'content-type': contentType } })
      const json = res.json() as { error?: unknown }
      const ok = res.statusCode < 500 && (res.statusCode >= 400 ? typeof json.error === 'string' : true)
      if (!ok) failures.push(`#${i} ${target.method} ${url} ${body.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 200)}`)
    }
    expect(failures).toEqual([])
    expect(await snapshot()).toBe(before)
  })

  it('multipart uploads of garbage never answer 5xx nor insert users', async () => {
    const before = await snapshot()
    for (let i = 0; i < 40; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 3000) }, () => Math.floor(rand() * 256)))
      const boundary = 'fuzzboundary'
      const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="g.csv"\r\nContent-Type: text/csv\r\n\r\n`)
      const tail = Buffer.from(rand() < 0.8 ? `\r\n--${boundary}--\r\n` : '') // sometimes a truncated multipart body
      const res = await t.app.inject({
        method: 'POST',
        url: '/users/bulk',
        body: Buffer.concat([head, bytes, tail]),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      })
      expect(res.statusCode, `#${i}: ${res.body}`).toBeLessThan(500)
      if (res.statusCode < 300) expect(res.json().imported).toBe(0)
    }
    expect(await snapshot()).toBe(before)
  })
})
