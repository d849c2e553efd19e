import { parseStatsRange, statsForAll, statsForUrl, statsForUser, urls, users } from '@ghostlink/db'
import { createTestEnv, type TestEnv } from '@ghostlink/testing'
import { eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ClickRecord } from '../src/click-record.js'
import { insertClicks } from '../src/insert-clicks.js'
import { foldClickStats, foldSettled } from '../src/stats/fold-click-stats.js'

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0'
const BINGBOT = 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'
const HOUR = 3_600_000
const DAY = 24 * HOUR
const today = Math.floor(Date.now() / DAY) * DAY

// The click transaction only appends; the counters change when a fold runs (at most once a second per handle, started
// after an insert, which does not wait for it: foldSettled does). With Date frozen, the first insert of a handle folds and the later ones leave their rows pending, so
// these tests see both states on purpose.
describe('click statistics: pending rows and the fold', () => {
  let env: TestEnv
  let owner: number
  let a: number
  let b: number
  beforeAll(async () => {
    env = await createTestEnv({ name: 'click-stats-fold' })
    const [u] = await env.db.insert(users).values({ username: 'fold-owner', email: 'fo@example.com' }).returning({ id: users.id })
    owner = u!.id
    const rows = await env.db
      .insert(urls)
      .values([
        { short_code: 'fa', original_url: 'https://example.com/a', user_id: owner },
        { short_code: 'fb', original_url: 'https://example.com/b', user_id: owner },
      ])
      .returning({ id: urls.id })
    a = rows[0]!.id
    b = rows[1]!.id
  })
  afterEach(async () => {
    vi.useRealTimers()
    // a fold the test's last insert started must not be running when the next test inserts: that insert would then
    // start none (one fold at a time per handle) and leave its rows pending where the test expects them folded
    await foldSettled(env.db)
  })
  afterAll(() => env.close())

  const rec = (at: number, url: number, ip: string, ua: string, ref: string | null): ClickRecord => [
    at, url === a ? 'fa' : 'fb', 302, ip, ua, ref, url, owner,
  ]
  const pendingRows = async () => {
    const [r] = await env.db.$client<{ rows: number; visitors: number }[]>`
      select count(*)::int as rows, coalesce(sum(cardinality(visitors)), 0)::int as visitors from click_stats_pending`
    return r!
  }

  it('answers the same numbers from pending rows, folded rows and both, and a batch redelivered after the fold counts once', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: today + 12 * HOUR })
    const at = today + 9 * HOUR
    const first = { id: 'fold:1', records: [rec(at, a, '203.0.113.1', CHROME, 'https://www.google.com/'), rec(at + 1, b, '203.0.113.1', CHROME, null)] }
    const second = {
      id: 'fold:2',
      records: [
        rec(at + HOUR, a, '203.0.113.1', CHROME, null), // a visitor already folded: not new
        rec(at + HOUR, a, '203.0.113.2', FIREFOX, 'https://t.co/x'), // new, twice in pending rows
        rec(at + HOUR + 1, a, '203.0.113.2', FIREFOX, null),
        rec(at + HOUR + 2, a, '203.0.113.3', BINGBOT, null), // a bot: never a visitor
        rec(at - DAY, a, '203.0.113.2', FIREFOX, null), // yesterday: another day's visitor
      ],
    }
    expect(await insertClicks(env.db, [first])).toBe(2) // the handle's first insert: starts a fold at once
    await foldSettled(env.db)
    expect(await pendingRows()).toEqual({ rows: 0, visitors: 0 })
    expect(await insertClicks(env.db, [second])).toBe(5) // within the second: left pending
    expect(await pendingRows()).toEqual({ rows: 2, visitors: 3 }) // (a, 10:00) and (a, yesterday 09:00); 3 visitor-days

    const range = parseStatsRange({}, Date.now())
    const forA = {
      total: 6,
      humans: 5,
      bots: 1,
      // today .1/Chrome and .2/Firefox, yesterday .2/Firefox
      unique_visitors: 3,
      referrers: [
        { host: 'direct', clicks: 4 },
        { host: 'google.com', clicks: 1 },
        { host: 't.co', clicks: 1 },
      ],
      browsers: [
        { name: 'Firefox', clicks: 3 },
        { name: 'Chrome', clicks: 2 },
        { name: 'unknown', clicks: 1 }, // ua-parser-js names no browser for bingbot
      ],
    }
    const answers = async () => ({
      a: await statsForUrl(env.db, a, range),
      hourly: await statsForUrl(env.db, a, parseStatsRange({ from: new Date(today).toISOString(), to: new Date(today + DAY).toISOString(), interval: 'hour' })),
      user: await statsForUser(env.db, owner, range),
      all: await statsForAll(env.db, range),
    })
    const mixed = await answers()
    expect(mixed.a).toMatchObject(forA)
    expect(mixed.a.series.at(-1)).toEqual({ t: new Date(today).toISOString(), clicks: 5, humans: 4, bots: 1 })
    expect(mixed.a.series.at(-2)).toEqual({ t: new Date(today - DAY).toISOString(), clicks: 1, humans: 1, bots: 0 })
    expect(mixed.hourly.series.slice(9, 11)).toEqual([
      { t: new Date(today + 9 * HOUR).toISOString(), clicks: 1, humans: 1, bots: 0 },
      { t: new Date(today + 10 * HOUR).toISOString(), clicks: 4, humans: 3, bots: 1 },
    ])
    expect(mixed.user).toMatchObject({ total: 7, humans: 6, bots: 1, unique_visitors: 4 })
    expect(mixed.user.links).toEqual([
      { url_id: a, short_code: 'fa', clicks: 6 },
      { url_id: b, short_code: 'fb', clicks: 1 },
    ])
    expect(mixed.all).toMatchObject({ total: 7, humans: 6, bots: 1, unique_visitors: 4 })
    expect(mixed.all.links).toEqual(mixed.user.links)

    expect(await foldClickStats(env.db)).toBe(true)
    expect(await pendingRows()).toEqual({ rows: 0, visitors: 0 })
    expect(await answers()).toEqual(mixed)

    // redelivered after the fold (click_batches still holds their ids): nothing is appended, nothing changes
    expect(await insertClicks(env.db, [second, first])).toBe(0)
    expect(await pendingRows()).toEqual({ rows: 0, visitors: 0 })
    expect(await answers()).toEqual(mixed)
  })

  it('folds once when two folds run at the same time', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: today + 13 * HOUR })
    const before = await statsForUrl(env.db, b, parseStatsRange({}, Date.now()))
    const records = Array.from({ length: 20 }, (_, i) => rec(today + 13 * HOUR, b, `198.51.100.${i}`, FIREFOX, null))
    expect(await insertClicks(env.db, [{ id: 'fold:concurrent', records }])).toBe(20)
    const folded = await Promise.all([foldClickStats(env.db), foldClickStats(env.db), foldClickStats(env.db)])
    expect(folded).toContain(true)
    expect(await pendingRows()).toEqual({ rows: 0, visitors: 0 })
    const after = await statsForUrl(env.db, b, parseStatsRange({}, Date.now()))
    expect(after.total - before.total).toBe(20)
    expect(after.unique_visitors - before.unique_visitors).toBe(20)
  })

  it('drops the pending rows of a link deleted before the fold', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: today + 14 * HOUR })
    const [gone] = await env.db.insert(urls).values({ short_code: 'fgone', original_url: 'https://example.com/g' }).returning({ id: urls.id })
    await insertClicks(env.db, [{ id: 'fold:warm', records: [rec(today + 14 * HOUR, b, '192.0.2.8', CHROME, null)] }]) // folds
    await foldSettled(env.db) // insertClicks starts the fold without waiting for it; a loaded machine may not have run it yet
    const before = await statsForAll(env.db, parseStatsRange({}, Date.now()))
    await insertClicks(env.db, [{ id: 'fold:gone', records: [[today + 14 * HOUR, 'fgone', 302, '192.0.2.9', CHROME, null, gone!.id, null]] }])
    expect(await pendingRows()).toEqual({ rows: 1, visitors: 1 })
    expect((await statsForUrl(env.db, gone!.id, parseStatsRange({}, Date.now()))).total).toBe(1)
    await env.db.delete(urls).where(eq(urls.id, gone!.id))
    // pending rows of a deleted link count nowhere, before the fold and after it
    expect(await statsForAll(env.db, parseStatsRange({}, Date.now()))).toEqual(before)
    expect(await foldClickStats(env.db)).toBe(true)
    expect(await pendingRows()).toEqual({ rows: 0, visitors: 0 })
    expect(await statsForAll(env.db, parseStatsRange({}, Date.now()))).toEqual(before)
  })

  it('vacuums the pending tables every ten seconds after a fold, without failing the insert', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: today + 15 * HOUR })
    const errors: unknown[] = []
    const onFoldError = (err: unknown) => errors.push(err)
    const click = (id: string) => ({ id, records: [rec(Date.now(), b, '192.0.2.30', CHROME, null)] })
    await insertClicks(env.db, [click('fold:vacuum:1')], { onFoldError }) // folds (an hour since the last)
    await foldSettled(env.db)
    vi.setSystemTime(today + 15 * HOUR + 11_000)
    await insertClicks(env.db, [click('fold:vacuum:2')], { onFoldError }) // folds and vacuums
    await foldSettled(env.db)
    expect(errors).toEqual([])
    expect(await pendingRows()).toEqual({ rows: 0, visitors: 0 })
  })

  it('folds every 3 s instead of every second while the writer drains a backlog, and answers count what waits', async () => {
    const t0 = today + 16 * HOUR
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const click = (id: string) => ({ id, records: [rec(Date.now(), b, '192.0.2.40', CHROME, null)] })
    const totalOfB = async () => (await statsForUrl(env.db, b, parseStatsRange({}, Date.now()))).total
    await insertClicks(env.db, [click('fold:backlog:1')]) // folds (an hour since the last)
    await foldSettled(env.db)
    const before = await totalOfB()
    for (const [ms, n] of [[1_500, 1], [2_900, 2]] as const) {
      vi.setSystemTime(t0 + ms)
      await insertClicks(env.db, [click(`fold:backlog:at${ms}`)], { backlog: true }) // due after 1 s, not 3: pending
      await foldSettled(env.db)
      expect(await pendingRows()).toEqual({ rows: n, visitors: n })
      expect(await totalOfB()).toBe(before + n)
    }
    vi.setSystemTime(t0 + 3_000)
    await insertClicks(env.db, [click('fold:backlog:at3000')], { backlog: true }) // 3 s: folds
    await foldSettled(env.db)
    expect(await pendingRows()).toEqual({ rows: 0, visitors: 0 })
    expect(await totalOfB()).toBe(before + 3)
    vi.setSystemTime(t0 + 4_000)
    await insertClicks(env.db, [click('fold:backlog:after')]) // the backlog is over: a second is enough again
    await foldSettled(env.db)
    expect(await pendingRows()).toEqual({ rows: 0, visitors: 0 })
    expect(await totalOfB()).toBe(before + 4)
  })
})
