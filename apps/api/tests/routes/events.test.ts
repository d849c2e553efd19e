import { events, urls, users } from '@ghostlink/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type TestApp } from '../helpers/build-app.js'

let t: TestApp
let owner: number
let other: number
let ownedUrl: number
let unownedUrl: number

beforeAll(async () => {
  t = await buildApp()
  const [a, b] = await t.db
    .insert(users)
    .values([
      { username: 'owner', email: 'owner@x.io' },
      { username: 'other', email: 'other@x.io' },
    ])
    .returning()
  owner = a!.id
  other = b!.id
  const [u1, u2] = await t.db
    .insert(urls)
    .values([
      { short_code: 'evown1', original_url: 'https://owned.example', user_id: owner },
      { short_code: 'evfree', original_url: 'https://free.example', user_id: null },
    ])
    .returning()
  ownedUrl = u1!.id
  unownedUrl = u2!.id
})
afterAll(() => t.close())

const post = (payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url: '/events',
    ...(typeof payload === 'string' || payload === undefined ? { body: payload } : { payload: payload as object }),
    headers: { 'content-type': 'application/json' },
  })

describe('POST /events', () => {
  it('creates an event, stores details and returns timestamp and details', async () => {
    const res = await post({ url_id: ownedUrl, event_type: ' click ', user_id: owner, referrer: 'https://g.com', details: { a: [1, { b: true }] }, extra: 1 })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toEqual({
      id: expect.any(Number),
      event_type: 'click',
      url_id: ownedUrl,
      user_id: owner,
      referrer: 'https://g.com',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      details: { a: [1, { b: true }] },
    })
    expect(Math.abs(Date.now() - Date.parse(body.timestamp))).toBeLessThan(60_000)
    const listed = (await t.app.inject(`/events?url_id=${ownedUrl}&event_type=click`)).json()
    expect(listed).toContainEqual(body)
  })

  it.each([
    ['referrer from details when the top-level one is falsy', { referrer: '', details: { referrer: 'https://d.io' } }, 'https://d.io'],
    ['top-level referrer wins over details', { referrer: 'https://top.io', details: { referrer: 'https://d.io' } }, 'https://top.io'],
    ['no referrer at all', {}, null],
    ['non-string details.referrer ignored', { details: { referrer: 5 } }, null],
  ])('%s', async (_, extra, referrer) => {
    const res = await post({ url_id: unownedUrl, event_type: 'click', ...extra })
    expect(res.statusCode).toBe(201)
    expect(res.json().referrer).toBe(referrer)
  })

  it('lets any existing user post on a URL without owner', async () => {
    const res = await post({ url_id: unownedUrl, event_type: 'ghost_probe', user_id: other })
    expect([res.statusCode, res.json().user_id, res.json().details]).toEqual([201, other, null])
  })

  it.each([
    ['no body', undefined, 400, { error: 'Missing request body', code: 400 }],
    ['malformed JSON', '{"url_id":', 400, { error: 'Missing request body', code: 400 }],
    ['a JSON list', '[{"url_id":1}]', 400, { error: 'Missing request body', code: 400 }],
    ['url_id missing', { event_type: 'click' }, 400, { error: 'Missing url_id', code: 400 }],
    ['url_id null', { url_id: null, event_type: 'click' }, 400, { error: 'Missing url_id', code: 400 }],
    ['url_id a string', { url_id: '1', event_type: 'click' }, 400, { error: 'Invalid url_id', code: 400 }],
    ['url_id a bool', { url_id: true, event_type: 'click' }, 400, { error: 'Invalid url_id', code: 400 }],
    ['url_id a float', { url_id: 1.5, event_type: 'click' }, 400, { error: 'Invalid url_id', code: 400 }],
    ['url_id zero', { url_id: 0, event_type: 'click' }, 400, { error: 'Invalid url_id', code: 400 }],
    ['url_id negative', { url_id: -4, event_type: 'click' }, 400, { error: 'Invalid url_id', code: 400 }],
    ['url_id unknown (no code)', { url_id: 999999, event_type: 'click' }, 404, { error: 'invalid url_id' }],
    ['url_id beyond int range (no code)', { url_id: 9999999999, event_type: 'click' }, 404, { error: 'invalid url_id' }],
    // order: an unknown url wins over a missing event_type
    ['unknown url and no event_type', { url_id: 999999 }, 404, { error: 'invalid url_id' }],
    ['event_type missing', { url_id: 'OWNED' }, 400, { error: 'Missing event_type', code: 400 }],
    ['event_type blank', { url_id: 'OWNED', event_type: '  ' }, 400, { error: 'Missing event_type', code: 400 }],
    ['event_type a number', { url_id: 'OWNED', event_type: 3 }, 400, { error: 'Missing event_type', code: 400 }],
    ['event_type over 50 chars', { url_id: 'OWNED', event_type: 'e'.repeat(51) }, 400, { error: 'Invalid event_type', code: 400 }],
    ['event_type with NUL', { url_id: 'OWNED', event_type: 'cl\u0000ick' }, 400, { error: 'Invalid event_type', code: 400 }],
    // order: event_type before user_id
    ['no event_type and bad user_id', { url_id: 'OWNED', user_id: 'x' }, 400, { error: 'Missing event_type', code: 400 }],
    ['user_id a string', { url_id: 'OWNED', event_type: 'click', user_id: '1' }, 400, { error: 'Invalid user_id', code: 400 }],
    ['user_id a bool', { url_id: 'OWNED', event_type: 'click', user_id: false }, 400, { error: 'Invalid user_id', code: 400 }],
    ['user_id zero', { url_id: 'OWNED', event_type: 'click', user_id: 0 }, 400, { error: 'Invalid user_id', code: 400 }],
    ['user_id unknown (no code)', { url_id: 'OWNED', event_type: 'click', user_id: 999999 }, 404, { error: 'invalid user_id' }],
    ['user_id not the owner', { url_id: 'OWNED', event_type: 'click', user_id: 'OTHER' }, 403, { error: 'Forbidden', code: 403 }],
    // order: user_id before details
    ['bad user_id and bad details', { url_id: 'OWNED', event_type: 'click', user_id: 999999, details: 'x' }, 404, { error: 'invalid user_id' }],
    ['details a string (no code)', { url_id: 'OWNED', event_type: 'click', details: 'x' }, 400, { error: 'details must be an object' }],
    ['details a list (no code)', { url_id: 'OWNED', event_type: 'click', details: [1] }, 400, { error: 'details must be an object' }],
    ['details with NUL', { url_id: 'OWNED', event_type: 'click', details: { a: '\u0000' } }, 400, { error: 'Invalid details', code: 400 }],
    ['referrer over 2048 chars', { url_id: 'OWNED', event_type: 'click', referrer: `https://x.io/${'r'.repeat(2040)}` }, 400, { error: 'Invalid referrer', code: 400 }],
    ['referrer an object', { url_id: 'OWNED', event_type: 'click', referrer: { a: 1 } }, 400, { error: 'Invalid referrer', code: 400 }],
    ['details.referrer over 2048 chars', { url_id: 'OWNED', event_type: 'click', details: { referrer: 'r'.repeat(2049) } }, 400, { error: 'Invalid referrer', code: 400 }],
  ])('rejects %s', async (_, payload, status, body) => {
    const resolved =
      typeof payload === 'object' && payload !== null
        ? Object.fromEntries(
            Object.entries(payload).map(([k, v]) => [k, v === 'OWNED' ? ownedUrl : v === 'OTHER' ? other : v]),
          )
        : payload
    const before = await t.db.$count(events)
    const res = await post(resolved)
    expect([res.statusCode, res.json()]).toEqual([status, body])
    expect(await t.db.$count(events)).toBe(before)
  })
})

describe('GET /events', () => {
  beforeAll(async () => {
    const rows = Array.from({ length: 130 }, (_, i) => ({
      url_id: i % 2 === 0 ? ownedUrl : unownedUrl,
      user_id: i % 2 === 0 ? owner : null,
      event_type: i % 3 === 0 ? 'redirect' : 'view',
    }))
    await t.db.insert(events).values(rows)
  })

  it('returns a bare array ordered by id, 100 per page by default', async () => {
    const res = await t.app.inject('/events')
    expect(res.statusCode).toBe(200)
    const body = res.json() as { id: number }[]
    expect(body).toHaveLength(100)
    expect(body.map((e) => e.id)).toEqual([...body.map((e) => e.id)].sort((a, b) => a - b))
    expect(Object.keys(body[0]!).sort()).toEqual(['details', 'event_type', 'id', 'referrer', 'timestamp', 'url_id', 'user_id'])
  })

  it('filters by url_id, user_id and event_type together', async () => {
    const all = (await t.app.inject('/events?per_page=1000')).json() as { url_id: number; user_id: number | null; event_type: string }[]
    const expected = all.filter((e) => e.url_id === ownedUrl && e.user_id === owner && e.event_type === 'redirect')
    const res = (await t.app.inject(`/events?url_id=${ownedUrl}&user_id=${owner}&event_type=redirect&per_page=1000`)).json()
    expect(expected.length).toBeGreaterThan(10)
    expect(res).toEqual(expected)
  })

  it.each([
    ['url_id=abc', 100],
    ['user_id=1.5', 100],
    ['event_type=', 100],
    ['url_id=99999999999', 0],
    ['event_type=%00', 0],
    ['event_type=nope', 0],
    ['per_page=0', 100],
    ['per_page=-1', 100],
    ['per_page=7&page=2', 7],
    ['per_page=5000', 'all'],
    ['page=99999999999999999999', 0],
  ])('handles %s', async (qs, expected) => {
    const total = await t.db.$count(events)
    const res = await t.app.inject(`/events?${qs}`)
    expect(res.statusCode).toBe(200)
    expect((res.json() as unknown[]).length).toBe(expected === 'all' ? Math.min(total, 1000) : expected)
  })

  it('pages consecutively', async () => {
    const all = (await t.app.inject('/events?per_page=1000')).json() as { id: number }[]
    const p3 = (await t.app.inject('/events?page=3&per_page=10')).json() as { id: number }[]
    expect(p3.map((e) => e.id)).toEqual(all.slice(20, 30).map((e) => e.id))
  })
})
