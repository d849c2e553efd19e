import { events, riskScores, urls, users } from '@ghostlink/db'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createShortUrl } from '../../src/urls/create-short-url.js'
import { urlContext } from '../../src/urls/url-context.js'
import { buildApp, type TestApp } from '../helpers/build-app.js'

const raw = (payload: string, contentType = 'application/json') => ({ payload, headers: { 'content-type': contentType } })

describe('POST /shorten', () => {
  let t: TestApp
  let alice: number
  const post = (body: unknown) => t.app.inject({ method: 'POST', url: '/shorten', payload: body as object })

  beforeAll(async () => {
    t = await buildApp()
    const [a] = await t.db.insert(users).values({ username: 'alice', email: 'alice@example.com' }).returning()
    alice = a!.id
  })
  afterAll(() => t.close())

  it('creates a URL with a generated code: exactly {id, short_code}, an active row and one created event', async () => {
    const res = await post({ original_url: 'https://example.com/a' })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(Object.keys(body).sort()).toEqual(['id', 'short_code'])
    expect(body.short_code).toMatch(/^[A-Za-z0-9]{6}$/)
    const [row] = await t.db.select().from(urls).where(eq(urls.id, body.id))
    expect(row).toMatchObject({
      short_code: body.short_code,
      original_url: 'https://example.com/a',
      title: null,
      is_active: true,
      user_id: null,
    })
    const evs = await t.db.select().from(events).where(eq(events.url_id, body.id))
    expect(evs.map((e) => [e.event_type, e.user_id, e.referrer])).toEqual([['created', null, null]])
    expect(evs[0]!.details).toEqual({ short_code: body.short_code, original_url: 'https://example.com/a' })
  })

  it('accepts a custom code, trims it, and takes the `shortcode` alias when `short_code` is absent', async () => {
    const a = await post({ original_url: 'https://example.com/pad', short_code: ' pad1 ' })
    expect([a.statusCode, a.json().short_code]).toEqual([201, 'pad1'])
    const b = await post({ original_url: 'https://example.com/alias', shortcode: 'alias1' })
    expect([b.statusCode, b.json().short_code]).toEqual([201, 'alias1'])
    const c = await post({ original_url: 'https://example.com/both', short_code: 'wins1', shortcode: 'loses1' })
    expect([c.statusCode, c.json().short_code]).toEqual([201, 'wins1'])
  })

  it('coerces user_id like the original (numeric string, truncated float) and stores title', async () => {
    const a = await post({ original_url: 'https://example.com/u1', user_id: String(alice), title: 'Hello' })
    const b = await post({ original_url: 'https://example.com/u2', user_id: alice + 0.9, title: null })
    for (const res of [a, b]) expect(res.statusCode).toBe(201)
    const rows = await t.db.select().from(urls).where(sql`${urls.id} in (${a.json().id}, ${b.json().id})`).orderBy(urls.id)
    expect(rows.map((r) => [r.user_id, r.title])).toEqual([
      [alice, 'Hello'],
      [alice, null],
    ])
    const [ev] = await t.db.select().from(events).where(eq(events.url_id, a.json().id))
    expect(ev!.user_id).toBe(alice)
  })

  it('accepts the maximum lengths: a 2048-character URL and a 255-character title', async () => {
    const url = `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`
    const res = await post({ original_url: url, title: 'é'.repeat(255) })
    expect(res.statusCode).toBe(201)
  })

  it.each([
    ['no body', undefined, 400, 'Missing request body'],
    ['malformed JSON', raw('{"original_url": '), 400, 'Missing request body'],
    ['a JSON array', raw('["https://example.com"]'), 400, 'Missing request body'],
    ['a JSON string', raw('"https://example.com"'), 400, 'Missing request body'],
    ['a JSON number', raw('5'), 400, 'Missing request body'],
    ['JSON null', raw('null'), 400, 'Missing request body'],
    ['a non-JSON content type', raw('original_url=https://example.com', 'application/x-www-form-urlencoded'), 400, 'Missing request body'],
    ['no original_url', {}, 400, 'Missing original_url'],
    ['original_url null', { original_url: null }, 400, 'Missing original_url'],
    ['original_url empty', { original_url: '' }, 400, 'Missing original_url'],
    ['original_url blank', { original_url: '   ' }, 422, 'Invalid URL'],
    ['original_url a number', { original_url: 5 }, 422, 'Invalid URL'],
    ['original_url an object', { original_url: { href: 'https://x.io' } }, 422, 'Invalid URL'],
    ['original_url not a URL', { original_url: 'not-a-url' }, 422, 'Invalid URL'],
    ['an ftp URL', { original_url: 'ftp://example.com/file' }, 422, 'Invalid URL'],
    ['a javascript: URL', { original_url: 'javascript:alert(1)' }, 422, 'Invalid URL'],
    ['a data: URL', { original_url: 'data:text/html,<b>x</b>' }, 422, 'Invalid URL'],
    ['a URL without host', { original_url: 'http://' }, 422, 'Invalid URL'],
    ['a URL with a newline', { original_url: 'https://example.com/a\nSet-Cookie: x=1' }, 422, 'Invalid URL'],
    ['a URL over 2048 characters', { original_url: `https://example.com/${'a'.repeat(2048)}` }, 422, 'Invalid URL'],
    ['short_code null', { original_url: 'https://x.io', short_code: null }, 422, 'Invalid short_code'],
    ['short_code a number', { original_url: 'https://x.io', short_code: 12345 }, 422, 'Invalid short_code'],
    ['short_code empty', { original_url: 'https://x.io', short_code: '' }, 422, 'Invalid short_code'],
    ['short_code blank', { original_url: 'https://x.io', short_code: '   ' }, 422, 'Invalid short_code'],
    ['short_code of 11 characters', { original_url: 'https://x.io', short_code: 'abcdefghijk' }, 422, 'Invalid short_code'],
    ['short_code with a hyphen', { original_url: 'https://x.io', short_code: 'ab-cd' }, 422, 'Invalid short_code'],
    ['short_code with unicode letters', { original_url: 'https://x.io', short_code: 'ñé٣' }, 422, 'Invalid short_code'],
    ['shortcode alias invalid', { original_url: 'https://x.io', shortcode: 'a b' }, 422, 'Invalid short_code'],
    ['user_id true', { original_url: 'https://x.io', user_id: true }, 400, 'Invalid user_id'],
    ['user_id 0', { original_url: 'https://x.io', user_id: 0 }, 400, 'Invalid user_id'],
    ['user_id negative', { original_url: 'https://x.io', user_id: -3 }, 400, 'Invalid user_id'],
    ['user_id 0.5', { original_url: 'https://x.io', user_id: 0.5 }, 400, 'Invalid user_id'],
    ['user_id "1.0"', { original_url: 'https://x.io', user_id: '1.0' }, 400, 'Invalid user_id'],
    ['user_id "abc"', { original_url: 'https://x.io', user_id: 'abc' }, 400, 'Invalid user_id'],
    ['user_id a list', { original_url: 'https://x.io', user_id: [1] }, 400, 'Invalid user_id'],
    ['user_id unknown', { original_url: 'https://x.io', user_id: 999_999 }, 404, 'User not found'],
    ['user_id beyond int4', { original_url: 'https://x.io', user_id: 99_999_999_999 }, 404, 'User not found'],
    ['title a number', { original_url: 'https://x.io', title: 5 }, 400, 'Invalid title'],
    ['title an object', { original_url: 'https://x.io', title: { a: 1 } }, 400, 'Invalid title'],
    ['title over 255 characters', { original_url: 'https://x.io', title: 't'.repeat(256) }, 400, 'Invalid title'],
    ['title with a NUL character', { original_url: 'https://x.io', title: 'a\u0000b' }, 400, 'Invalid title'],
    // validation order (docs/CONTRACT.md#c-1-2): url → short_code → user_id → title → conflict
    ['bad URL and bad short_code', { original_url: 'ftp://x', short_code: '!!' }, 422, 'Invalid URL'],
    ['bad short_code and bad user_id', { original_url: 'https://x.io', short_code: '!!', user_id: 'x' }, 422, 'Invalid short_code'],
    ['bad user_id and bad title', { original_url: 'https://x.io', user_id: 'x', title: 5 }, 400, 'Invalid user_id'],
    ['unknown user and bad title', { original_url: 'https://x.io', user_id: 424242, title: 5 }, 404, 'User not found'],
    ['bad title and a taken code', { original_url: 'https://x.io', short_code: 'pad1', title: 5 }, 400, 'Invalid title'],
  ])('rejects %s', async (_, payload, status, error) => {
    const opts = payload && typeof payload === 'object' && 'headers' in payload ? payload : { payload: payload as object | undefined }
    const res = await t.app.inject({ method: 'POST', url: '/shorten', ...opts })
    expect([res.statusCode, res.json()]).toEqual([status, { error, code: status }])
    expect(res.headers['x-ghostlink-version']).toBe('v1-dev')
  })

  it.each([
    'health',
    'HEALTH',
    'metrics',
    'users',
    'urls',
    'events',
    'shorten',
    'r',
    'R',
    'docs',
    'ready',
    'quarantine',
    'openapi',
    'app',
    'App',
  ])('refuses the reserved word %s as a custom code (docs/decisions/rewrite-decisions.md#d-2)', async (code) => {
    const res = await post({ original_url: 'https://x.io', short_code: code })
    expect([res.statusCode, res.json().error]).toEqual([422, 'Invalid short_code'])
  })

  it('answers 409 for a custom code already used, even by an inactive URL, and writes nothing', async () => {
    await t.db.insert(urls).values({ short_code: 'gone1', original_url: 'https://old.io', is_active: false })
    const before = await t.db.select({ n: sql<number>`count(*)::int` }).from(urls)
    const res = await post({ original_url: 'https://new.io', short_code: 'gone1' })
    expect([res.statusCode, res.json()]).toEqual([409, { error: 'Short code exists', code: 409 }])
    const after = await t.db.select({ n: sql<number>`count(*)::int` }).from(urls)
    expect(after).toEqual(before)
  })

  it('treats codes as case-sensitive', async () => {
    expect((await post({ original_url: 'https://x.io', short_code: 'CaSe1' })).statusCode).toBe(201)
    expect((await post({ original_url: 'https://x.io', short_code: 'case1' })).statusCode).toBe(201)
  })

  it('lets exactly one of 20 concurrent requests claim the same custom code', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post({ original_url: `https://race.io/${i}`, short_code: 'race1' })),
    )
    const statuses = results.map((r) => r.statusCode).sort()
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(19)
    const rows = await t.db.select().from(urls).where(eq(urls.short_code, 'race1'))
    expect(rows).toHaveLength(1)
    expect(await t.db.select().from(events).where(eq(events.url_id, rows[0]!.id))).toHaveLength(1)
  })

  it('generates distinct codes under 30 concurrent creates', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => post({ original_url: `https://many.io/${i}` })))
    expect(results.every((r) => r.statusCode === 201)).toBe(true)
    expect(new Set(results.map((r) => r.json().short_code)).size).toBe(30)
  })

  it('writes the URL and its created event atomically: a failing event insert leaves no URL behind', async () => {
    await t.db.execute(sql`
      create function fail_marked_event() returns trigger language plpgsql as $$
      begin
        if new.details->>'original_url' like '%fail-event%' then raise exception 'event insert failed'; end if;
        return new;
      end $$`)
    await t.db.execute(sql`create trigger fail_marked_event before insert on events for each row execute function fail_marked_event()`)
    try {
      const res = await post({ original_url: 'https://example.com/fail-event' })
      expect([res.statusCode, res.json()]).toEqual([500, { error: 'Internal server error', code: 500 }])
      const rows = await t.db.select().from(urls).where(eq(urls.original_url, 'https://example.com/fail-event'))
      expect(rows).toEqual([])
    } finally {
      await t.db.execute(sql`drop trigger fail_marked_event on events`)
    }
  })
})

describe('createShortUrl code generation', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildApp({ env: { ENABLE_RISK_SCORING: 'false' } })
    await t.db.insert(urls).values({ short_code: 'taken1', original_url: 'https://x.io' })
  })
  afterAll(() => t.close())

  const input = { originalUrl: 'https://gen.io', customCode: undefined, title: null, userId: null }

  it('retries on a colliding generated code instead of failing', async () => {
    const codes = ['taken1', 'taken1', 'fresh9']
    const row = await createShortUrl(urlContext(t.app), input, () => codes.shift()!)
    expect(row.short_code).toBe('fresh9')
  })

  it('gives up with 500 `Failed to generate short code` after 10 collisions, writing nothing', async () => {
    let calls = 0
    const err = await createShortUrl(urlContext(t.app), input, () => {
      calls++
      return 'taken1'
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ status: 500, message: 'Failed to generate short code' })
    expect(calls).toBe(10)
    expect(await t.db.select().from(urls).where(eq(urls.original_url, 'https://gen.io'))).toHaveLength(1)
  })

  it('recovers once from an id sequence left behind by imported rows', async () => {
    // an import wrote the id the sequence hands out next
    const [seq] = await t.db.execute<{ next: number }>(sql`select last_value::int + 1 as next from urls_id_seq`)
    await t.db.insert(urls).values({ id: seq!.next, short_code: 'import1', original_url: 'https://x.io' })
    const row = await createShortUrl(urlContext(t.app), { ...input, customCode: 'afterimp' })
    expect(row.id).toBe(seq!.next + 1)
  })

  it('does not score when ENABLE_RISK_SCORING is off', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/shorten', payload: { original_url: 'https://x.top' } })
    expect(res.statusCode).toBe(201)
    expect(await t.db.select().from(riskScores).where(eq(riskScores.url_id, res.json().id))).toEqual([])
  })
})

describe('POST /shorten without Redis', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildApp({ withRedis: false })
  })
  afterAll(() => t.close())

  it('still creates and lists URLs, and still scores them', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/shorten', payload: { original_url: 'https://x.zip/a', short_code: 'noredis' } })
    expect(res.statusCode).toBe(201)
    const list = await t.app.inject('/urls')
    expect(list.json()).toEqual([
      { id: res.json().id, is_active: true, original_url: 'https://x.zip/a', short_code: 'noredis', title: null, user_id: null },
    ])
    const risk = await t.app.inject(`/urls/${res.json().id}/risk`)
    expect(risk.json()).toMatchObject({ url_id: res.json().id, score: 20, tier: 'SAFE', signals: { suspicious_tld: 'zip' } })
  })
})
