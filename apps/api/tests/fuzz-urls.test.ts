import { events, urls, users } from '@ghostlink/db'
import { asc } from 'drizzle-orm'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '@ghostlink/testing'
import { buildApp, type TestApp } from './helpers/build-app.js'

// seeded, so a failing case replays (FUZZ_SEED)
const SEED = Number(process.env.FUZZ_SEED ?? 20260405)
const FIELDS = ['original_url', 'short_code', 'shortcode', 'title', 'user_id', 'is_active', 'details', '__proto__', 'constructor', 'id']

function makeGen(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
  const strings = [
    '',
    ' ',
    'https://example.com/fuzz',
    'http://',
    'javascript:alert(1)',
    'data:text/html,x',
    'ftp://example.com',
    'abc',
    'health',
    'ñé٣',
    '🙂🙂🙂',
    'a\u0000b',
    'line\nbreak',
    '\ud800',
    '1',
    '-1',
    '1.0',
    'true',
    'x'.repeat(11),
    'y'.repeat(256),
    `https://example.com/${'z'.repeat(10_240)}`,
    'q'.repeat(10_240),
    '<script>alert(1)</script>',
    "'; drop table urls; --",
  ]
  const scalar = (): unknown =>
    pick([
      () => pick(strings),
      () => pick([0, 1, -1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, Number.MIN_VALUE]),
      () => pick([true, false, null]),
    ])()
  const value = (depth: number): unknown => {
    const r = rand()
    if (depth > 3 || r < 0.6) return scalar()
    if (r < 0.8) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1))
    return object(depth + 1)
  }
  const object = (depth: number): Record<string, unknown> => {
    const o: Record<string, unknown> = {}
    const n = Math.floor(rand() * 5)
    for (let i = 0; i < n; i++) o[rand() < 0.85 ? pick(FIELDS) : `k${Math.floor(rand() * 100)}`] = value(depth)
    return o
  }
  return { object, value, pick }
}

const isJsonObject = (text: string) => {
  try {
    const v = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v)
  } catch {
    return false
  }
}

const json = (payload: string) => ({ payload, headers: { 'content-type': 'application/json' } })

// Hand-picked hostile bodies, sent to every target on top of the random ones.
const HOSTILE: Array<[string, Pick<InjectOptions, 'payload' | 'headers'>]> = [
  ['malformed JSON', json('{"original_url": "https://x.io"')],
  ['trailing garbage', json('{"title": "x"} trailing')],
  ['JSON scalar', json('12')],
  ['JSON string', json('"hello"')],
  ['JSON array of objects', json('[{"title":"x"}]')],
  ['huge exponent', json('{"user_id": 1e400, "original_url": "https://x.io", "title": "x"}')],
  ['deep nesting', json(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
  ['deep object in a field', json(`{"title": ${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`)],
  ['__proto__ pollution', json('{"__proto__": {"original_url": "https://evil.io", "is_admin": true}, "title": "x"}')],
  ['constructor key', json('{"constructor": {"prototype": {"x": 1}}, "is_active": false}')],
  ['10 KB string fields', { payload: { original_url: 'h'.repeat(10_240), title: 't'.repeat(10_240), short_code: 's'.repeat(10_240) } }],
  ['form body', { payload: 'original_url=https://x.io', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
  ['binary body', { payload: Buffer.from([0, 255, 1, 254]), headers: { 'content-type': 'application/octet-stream' } }],
  ['JSON content type with charset', { payload: '{"title": 5}', headers: { 'content-type': 'application/json; charset=latin1' } }],
]

describe('fuzzing the URL write routes', () => {
  let t: TestApp
  let targetId: number
  let snapshot: string

  const dump = async () =>
    JSON.stringify([await t.db.select().from(urls).orderBy(asc(urls.id)), await t.db.select().from(events).orderBy(asc(events.id))])
  const seededRows = async () => JSON.stringify(await t.db.select().from(urls).orderBy(asc(urls.id)).limit(3))

  function assertContract(res: LightMyRequestResponse, label: string) {
    expect(res.statusCode, label).toBeLessThan(500)
    expect(res.headers['x-ghostlink-version'], label).toBe('v1-dev')
    if (res.statusCode >= 400) {
      const body = res.json()
      expect(typeof body.error, label).toBe('string')
      expect(body.code, label).toBe(res.statusCode)
    }
  }

  beforeAll(async () => {
    t = await buildApp({ env: { ENABLE_RISK_SCORING: 'false' } })
    const [owner] = await t.db.insert(users).values({ username: 'fuzz', email: 'fuzz@example.com' }).returning()
    const rows = await t.db
      .insert(urls)
      .values([
        { short_code: 'keep1', original_url: 'https://example.com/keep1', title: 'keep', user_id: owner!.id },
        { short_code: 'keep2', original_url: 'https://example.com/keep2', is_active: false },
        { short_code: 'keep3', original_url: 'https://example.com/keep3', user_id: owner!.id },
      ])
      .returning()
    targetId = rows[0]!.id
    snapshot = await seededRows()
  })
  afterAll(() => t.close())

  const targets = () =>
    [
      ['POST', '/shorten'],
      ['POST', '/urls'],
      ['PUT', `/urls/${targetId}`],
      ['PATCH', `/urls/${targetId}`],
      ['DELETE', `/urls/${targetId}`],
      ['PUT', '/urls/999999'],
      ['DELETE', '/urls/999999'],
    ] as const

  it('answers every hostile body with a 4xx contract error and changes nothing', async () => {
    for (const [method, url] of targets()) {
      for (const [name, opts] of HOSTILE) {
        // DELETE ignores unknown keys (docs/CONTRACT.md#c-1-7): an object body on a live id is a valid delete
        const objectBody = opts.payload !== undefined && typeof opts.payload === 'object' && !Buffer.isBuffer(opts.payload)
        const parsesToObject = objectBody || (/^\{.*\}$/s.test(String(opts.payload ?? '')) && isJsonObject(String(opts.payload)))
        if (method === 'DELETE' && url === `/urls/${targetId}` && parsesToObject) continue
        const before = await dump()
        const res = await t.app.inject({ method, url, ...opts })
        const label = `${method} ${url} ${name} → ${res.statusCode} ${res.body.slice(0, 120)}`
        assertContract(res, label)
        expect(res.statusCode, label).toBeGreaterThanOrEqual(400)
        expect(await dump(), label).toBe(before)
      }
    }
  })

  it('answers a 2 MB body with a JSON 413 on every route', async () => {
    const big = JSON.stringify({ original_url: 'https://example.com/', title: 'x'.repeat(2 * 1024 * 1024) })
    for (const [method, url] of targets()) {
      const res = await t.app.inject({ method, url, ...json(big) })
      expect([method, url, res.statusCode, res.json()]).toEqual([method, url, 413, { error: 'Payload too large', code: 413 }])
    }
    expect(await seededRows()).toBe(snapshot)
  })

  it(`never answers 500 to random bodies, and leaves stored rows alone when it refuses one (seed ${SEED})`, async () => {
    const rand = seededRandom(SEED)
    const gen = makeGen(rand)
    const statuses = new Map<number, number>()
    for (let i = 0; i < 400; i++) {
      const [method, url] = gen.pick(targets())
      const body = rand() < 0.9 ? gen.object(0) : gen.value(0)
      const before = await seededRows()
      const res = await t.app.inject({
        method,
        url,
        payload: body === undefined ? undefined : JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      })
      const label = `#${i} ${method} ${url} ${JSON.stringify(body)?.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 120)}`
      assertContract(res, label)
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
      if (res.statusCode >= 400) expect(await seededRows(), label).toBe(before)
    }
    // the generator must reach past the first checks, not only bounce off body parsing
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 404, 422]))
  })

  it('leaves the untargeted seeded rows exactly as they were', async () => {
    const rows = await t.db.select().from(urls).orderBy(asc(urls.id)).limit(3)
    const original = JSON.parse(snapshot) as Array<Record<string, unknown>>
    expect(JSON.parse(JSON.stringify(rows.slice(1)))).toEqual(original.slice(1))
    // the targeted row may have been changed by a valid random update, but is still a valid URL object
    const res = await t.app.inject(`/urls/${targetId}`)
    expect(res.statusCode).toBe(200)
    expect(res.json().short_code).toBe('keep1')
  })
})
