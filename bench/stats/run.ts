// pnpm bench:stats [--clicks 5000000] [--days 90] [--queries 1000] [--slices 6] [--slice-seconds 4]
// 1. Stats latency: a scratch database (migrated like production) with one link holding `clicks` clicks over `days`
//    days in its rollups (generated with generate_series, the shape the click writer keeps: hourly counts, daily lists
//    of a few hundred referrer hosts, browsers, OS and device types, daily visitors) beside 999 other links' rollups
//    and whatever the drain phase writes. Then the 30-day answer (statsForUrl, as GET /urls/:id/stats calls it) is
//    asked `queries` times in a row and with 8 at once: p50/p95/p99. Also the hourly series, a user's and everyone's.
// 2. Drain rate: insertClicks (the click writer's insert) with and without the rollups, in alternating slices of the
//    same run, 2 writers at once (CLICK_WRITER_CONCURRENCY's default), links picked by Zipf popularity, calls of
//    4 x 250 records (a writer keeping up) and 20 x 500 (one full consumer read, draining a backlog).
import { parseArgs } from 'node:util'
import type { ClickBatch, ClickRecord } from '../../packages/clicks/src/click-record.js'
import { insertClicks } from '../../packages/clicks/src/insert-clicks.js'
import { importFromRedirect } from '../redirect/resolve.js'

type Testing = typeof import('@ghostlink/testing')
type DbPkg = typeof import('@ghostlink/db')
const { createTestDatabase, seededRandom } = await importFromRedirect<Testing>('@ghostlink/testing')
const { createDb, closeDb, parseStatsRange, statsForUrl, statsForUser, statsForAll } = await importFromRedirect<DbPkg>('@ghostlink/db')

const { values } = parseArgs({
  options: {
    clicks: { type: 'string', default: '5000000' },
    days: { type: 'string', default: '90' },
    queries: { type: 'string', default: '1000' },
    slices: { type: 'string', default: '6' },
    'slice-seconds': { type: 'string', default: '3' },
  },
})
const CLICKS = Number(values.clicks)
const DAYS = Number(values.days)
const QUERIES = Number(values.queries)
const SLICES = Number(values.slices)
const SLICE_MS = Number(values['slice-seconds']) * 1000
const HOUR = 3_600_000
const DAY = 24 * HOUR

const random = seededRandom(15)
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
const ms = (n: number) => `${n.toFixed(2)} ms`

const tdb = await createTestDatabase()
const db = createDb(tdb.url, 10)
const sql = db.$client
try {
  // ---------- data ----------
  const t0 = performance.now()
  await sql`insert into users (username, email) values ('bench', 'bench@example.com')`
  await sql`insert into urls (user_id, short_code, original_url)
    select case when g <= 10 then 1 end, 'st' || g, 'https://example.com/' || g from generate_series(1, 1000) g`
  const hot = 1
  const today = Math.floor(Date.now() / DAY) * DAY
  const start = today + DAY - DAYS * DAY
  const hours = DAYS * 24
  // the hot link: `CLICKS` spread over every hour of `days` days (a daily swing), 12 % bots
  await sql`
    with h as (
      select g, (1 + 0.6 * sin(g * pi() / 12))::float8 as w from generate_series(0, ${hours - 1}) g
    ), n as (
      select g, floor(${CLICKS} * w / sum(w) over ())::int as c from h
    )
    insert into click_stats_hourly (url_id, hour, clicks, humans, bots)
    select ${hot}, to_timestamp(${start / 1000} + g * 3600) at time zone 'UTC',
      c + case when g = 0 then ${CLICKS} - (select sum(c) from n)::int else 0 end,
      (c * 0.88)::int + case when g = 0 then ${CLICKS} - (select sum(c) from n)::int else 0 end, c - (c * 0.88)::int
    from n`
  // daily lists: 300 referrer hosts, 25 browsers, 12 OS, 5 device types, clicks falling off with rank (Zipf)
  await sql`
    with days as (select d, (${start / 1000} + d * 86400) as epoch from generate_series(0, ${DAYS - 1}) d),
    dims(k, n) as (values (1, 300), (2, 25), (3, 12), (4, 5)),
    vals as (select k, i, (1.0 / i) / sum(1.0 / i) over (partition by k) as share from dims, generate_series(1, n) i)
    insert into click_stats_daily (url_id, day, dimension, value, clicks)
    select ${hot}, (to_timestamp(epoch) at time zone 'UTC')::date, k,
      case k when 1 then 'host' || i || '.example' when 2 then 'Browser ' || i when 3 then 'OS ' || i else 'device' || i end,
      greatest(1, (${CLICKS / DAYS} * share)::int)
    from days, vals`
  await sql`insert into click_stats_visitors (url_id, day, visitors)
    select ${hot}, (to_timestamp(${start / 1000} + d * 86400) at time zone 'UTC')::date, ${Math.round((CLICKS / DAYS) * 0.4)}
    from generate_series(0, ${DAYS - 1}) d`
  // 999 other links: a click an hour each, one referrer, browser, OS and device a day
  await sql`insert into click_stats_hourly (url_id, hour, clicks, humans, bots)
    select u, to_timestamp(${start / 1000} + g * 3600) at time zone 'UTC', 1, 1, 0
    from generate_series(2, 1000) u, generate_series(0, ${hours - 1}) g`
  await sql`insert into click_stats_daily (url_id, day, dimension, value, clicks)
    select u, (to_timestamp(${start / 1000} + d * 86400) at time zone 'UTC')::date, k, 'v' || i, 1
    from generate_series(2, 1000) u, generate_series(0, ${DAYS - 1}) d, generate_series(1, 4) k, generate_series(1, 1) i`
  await sql`vacuum analyze click_stats_hourly, click_stats_daily, click_stats_visitors`
  const [sizes] = await sql<{ hourly: string; daily: string }[]>`
    select (select count(*) from click_stats_hourly)::text as hourly, (select count(*) from click_stats_daily)::text as daily`
  console.log(
    `rollups: ${CLICKS} clicks over ${DAYS} days on link ${hot}, 999 other links; ${sizes!.hourly} hourly rows, ${sizes!.daily} daily rows (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  )

  // ---------- stats latency ----------
  const time = async (label: string, n: number, concurrency: number, ask: () => Promise<unknown>) => {
    for (let i = 0; i < Math.min(50, n / 10); i++) await ask() // warm-up: prepared statements, buffer cache
    const took: number[] = []
    let next = 0
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < n) {
          const s = performance.now()
          await ask()
          took.push(performance.now() - s)
        }
      }),
    )
    took.sort((a, b) => a - b)
    console.log(`  ${label}: p50 ${ms(quantile(took, 0.5))}, p95 ${ms(quantile(took, 0.95))}, p99 ${ms(quantile(took, 0.99))}, max ${ms(took.at(-1)!)} (${n} queries, ${concurrency} at a time)`)
    return quantile(took, 0.99)
  }
  const check = await statsForUrl(db, hot, parseStatsRange({}))
  console.log(`30-day answer of link ${hot}: total ${check.total} (${check.series.length} points, ${check.referrers.length} referrers listed)`)
  console.log('stats latency (statsForUrl etc. against Postgres, as the routes call them):')
  const p99 = await time('GET /urls/:id/stats (30 days by day)', QUERIES, 1, () => statsForUrl(db, hot, parseStatsRange({})))
  const p99c = await time('GET /urls/:id/stats (30 days by day)', QUERIES, 8, () => statsForUrl(db, hot, parseStatsRange({})))
  await time('GET /urls/:id/stats?interval=hour (30 days, 720 points)', QUERIES, 1, () => statsForUrl(db, hot, parseStatsRange({ interval: 'hour' })))
  await time('GET /users/:id/stats (10 links)', Math.min(QUERIES, 300), 1, () => statsForUser(db, 1, parseStatsRange({})))
  await time('GET /stats (1000 links)', Math.min(QUERIES, 30), 1, () => statsForAll(db, parseStatsRange({})))
  console.log(`stats target p99 < 50 ms: ${p99 < 50 && p99c < 50 ? 'met' : 'MISSED'}`)

  // ---------- drain rate ----------
  const UAS = [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'curl/8.5.0',
    'python-requests/2.32.3',
  ]
  const REFERRERS = [null, null, null, 'https://www.google.com/', 'https://t.co/x', 'https://news.ycombinator.com/item?id=1', 'https://www.reddit.com/r/x/']
  const clients = Array.from({ length: 20_000 }, () => `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`)
  // links by popularity (Zipf, s = 1, over the 1000 links: the hot link takes 13 %), as short-link traffic is
  const cdf: number[] = []
  const harmonic = Array.from({ length: 1000 }, (_, i) => 1 / (i + 1))
  const sum = harmonic.reduce((a, b) => a + b)
  harmonic.reduce((acc, h) => (cdf.push(acc + h / sum), acc + h / sum), 0)
  const zipf = () => {
    const r = random()
    let lo = 0
    let hi = cdf.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cdf[mid]! < r) lo = mid + 1
      else hi = mid
    }
    return lo + 1
  }
  let seq = 0
  let shape = { batches: 4, records: 250 }
  const call = (): ClickBatch[] =>
    Array.from({ length: shape.batches }, () => {
      const records: ClickRecord[] = Array.from({ length: shape.records }, (): ClickRecord => {
        const r = random()
        const status = r < 0.9 ? 302 : 404
        const link = zipf()
        return [Date.now(), `st${link}`, status, pick(clients), pick(UAS), status === 302 ? pick(REFERRERS) : null, status === 302 ? link : null, status === 302 && link <= 10 ? 1 : null]
      })
      return { id: `bench:${seq++}`, records }
    })
  const slice = async (rollups: boolean): Promise<number> => {
    const until = performance.now() + SLICE_MS
    let written = 0
    const begun = performance.now()
    await Promise.all(
      [0, 1].map(async () => {
        while (performance.now() < until) written += await insertClicks(db, call(), { rollups })
      }),
    )
    return written / ((performance.now() - begun) / 1000)
  }
  await slice(true) // warm-up: user-agent cache, salts, prepared statements
  await slice(false)
  // a call as the stream consumer makes it: one read of up to 20 hand-off batches; 4 x 250 when the writer keeps up,
  // 20 x 500 when it drains a backlog (the case where the drain rate matters)
  for (const s of [
    { batches: 4, records: 250 },
    { batches: 20, records: 500 },
  ]) {
    shape = s
    const rates: Record<'with' | 'without', number[]> = { with: [], without: [] }
    for (let i = 0; i < SLICES; i++) {
      // alternate, and swap the order every other pair so neither mode always runs on a warmer table
      for (const rollups of i % 2 === 0 ? [false, true] : [true, false]) rates[rollups ? 'with' : 'without'].push(await slice(rollups))
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    const without = median(rates.without)
    const withRollups = median(rates.with)
    const drop = (1 - withRollups / without) * 100
    console.log(`drain rate (insertClicks, 2 writers, ${s.batches} x ${s.records} records per call, ${SLICES} slices of ${SLICE_MS / 1000} s per mode, alternating):`)
    console.log(`  without rollups: median ${without.toFixed(0)} records/s (${rates.without.map((r) => r.toFixed(0)).join(', ')})`)
    console.log(`  with rollups:    median ${withRollups.toFixed(0)} records/s (${rates.with.map((r) => r.toFixed(0)).join(', ')})`)
    console.log(`  rollups cost ${drop.toFixed(1)} % of the drain rate (target <= 15 %: ${drop <= 15 ? 'met' : 'MISSED'})`)
  }
} finally {
  await closeDb(db)
  await tdb.drop()
}
