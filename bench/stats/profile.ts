// node --conditions=development --import tsx bench/stats/profile.ts [--calls 120] [--per 15] [--clicks 500000] [--keep]
// Where the rollups' CPU goes: one connection, the bench's traffic (4 x 250 records per call), timed apart:
// the plain click insert, the insert with its rollup (buildRollup, the visitor hashes and the pending rows in the
// click statement: writeClickBatches with salts), buildRollup alone (a second time, for its share) and the fold of
// `per` calls' pending rows (15: about a second of the bench's drain). --keep leaves the database with a fold's worth of
// pending rows for EXPLAIN by hand (drop it afterwards).
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { ClickBatch } from '@ghostlink/clicks'
import { dayLists } from './day-lists.js'
import { clickTraffic } from './traffic.js'
import { closeDb, createDb } from '@ghostlink/db'
import { createTestDatabase, seededRandom } from '@ghostlink/testing'
import { buildRollup, foldClickStats, saltsOfCountedDays, writeClickBatches } from '@ghostlink/clicks/stats-parts'

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '120' }, per: { type: 'string', default: '15' }, keep: { type: 'boolean', default: false }, clicks: { type: 'string', default: '500000' } },
})
const CALLS = Number(values.calls)
const PER_FOLD = Number(values.per)
const random = seededRandom(15)
const tdb = await createTestDatabase()
// one connection: its backend's CPU is read from /proc
const db = createDb(tdb.url, 1)
const sql = db.$client
const DAY = 86_400_000
try {
  await sql`insert into users (username, email) values ('bench', 'bench@example.com')`
  await sql`insert into urls (user_id, short_code, original_url)
    select case when g <= 10 then 1 end, 'st' || g, 'https://example.com/' || g from generate_series(1, 1000) g`
  const CLICKS = Number(values.clicks)
  const DAYS = 90
  const today = Math.floor(Date.now() / DAY) * DAY
  const start = today + DAY - DAYS * DAY
  // the hot link's day rows with the bench's lists (300 referrers, 25 browsers, 12 OS, 5 devices); others small
  await sql`
    with ${dayLists(sql, { start, days: DAYS, clicksPerDay: CLICKS / DAYS })}
    insert into click_stats_days (url_id, day, clicks, humans, bots, visitors, lists)
    select 1, days.day, 1000, 880, 120, 400, (select lists from lists) from days`
  await sql`insert into click_stats_hourly (url_id, hour, clicks, humans, bots)
    select u, to_timestamp(${start / 1000} + g * 3600) at time zone 'UTC', 1, 1, 0
    from generate_series(1, 1000) u, generate_series(0, ${DAYS * 24 - 1}) g`
  await sql`insert into click_stats_days (url_id, day, clicks, humans, bots, visitors, lists)
    select u, (to_timestamp(${start / 1000} + d * 86400) at time zone 'UTC')::date, 24, 24, 0, 1, '{"r:v1": 24, "b:v1": 24, "o:v1": 24, "d:v1": 24}'
    from generate_series(2, 1000) u, generate_series(0, ${DAYS - 1}) d`
  await sql`vacuum analyze`

  const traffic = clickTraffic(random, 'p')
  const call = (): ClickBatch[] => traffic(4, 250)

  const [backend] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`
  const pid = backend!.pid
  const pgTicks = () => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(f[11]) + Number(f[12])) * 10
  }
  const salts = await saltsOfCountedDays(db)
  type Acc = { wall: number; pg: number; node: number; n: number }
  const acc = (): Acc => ({ wall: 0, pg: 0, node: 0, n: 0 })
  const measure = async <T>(a: Acc, f: () => Promise<T> | T): Promise<T> => {
    const p0 = pgTicks()
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const r = await f()
    a.wall += performance.now() - t0
    const c = process.cpuUsage(c0)
    a.node += (c.user + c.system) / 1000
    a.pg += pgTicks() - p0
    a.n++
    return r
  }
  const plain = acc()
  const build = acc()
  const append = acc()
  const fold = acc()
  let records = 0
  // warm-up: today's day rows exist, caches and prepared statements
  for (let i = 0; i < 30; i++) {
    await writeClickBatches(db, call(), undefined)
    await writeClickBatches(db, call(), salts)
  }
  await foldClickStats(db)
  const sizes = { hourly: 0, lists: 0, visitors: 0, listKeys: 0 }
  for (let i = 1; i <= CALLS; i++) {
    const b = call()
    const recs = b.flatMap((x) => x.records)
    records += recs.length
    await measure(plain, () => writeClickBatches(db, b, undefined))
    // the same traffic again, with its rollup (other batch ids; the records' clients repeat as much as the bench's)
    const b2 = call()
    const r = await measure(build, () => buildRollup(b2.flatMap((x) => x.records), salts))
    sizes.hourly += r.url.length
    sizes.lists += r.url.length
    sizes.visitors += r.visitors.reduce((n, v) => n + (v === '{}' ? 0 : v.split(',').length), 0)
    sizes.listKeys += r.counts.reduce((n, c) => n + c.split(',').length, 0)
    await measure(append, () => writeClickBatches(db, b2, salts))
    if (i % PER_FOLD === 0) {
      await measure(fold, () => foldClickStats(db))
    }
  }
  const per1000 = (a: Acc) => `wall ${((a.wall / records) * 1000).toFixed(1)} ms, Postgres CPU ${((a.pg / records) * 1000).toFixed(1)} ms, node CPU ${((a.node / records) * 1000).toFixed(1)} ms`
  console.log(`${records} records in ${CALLS} calls of 4 x 250, a fold every ${PER_FOLD} calls; per call: ${(sizes.hourly / CALLS).toFixed(0)} hourly rows, ${(sizes.lists / CALLS).toFixed(0)} list rows (${(sizes.listKeys / CALLS).toFixed(0)} keys), ${(sizes.visitors / CALLS).toFixed(0)} visitor hashes`)
  console.log(`per 1000 records:`)
  console.log(`  plain insert:  ${per1000(plain)}`)
  console.log(`  with rollup:   ${per1000(append)} (the whole insert: its rollup adds the difference to the plain one)`)
  console.log(`  buildRollup:   ${per1000(build)} (inside "with rollup", timed apart)`)
  console.log(`  fold:          ${per1000(fold)} (${(fold.wall / fold.n).toFixed(1)} ms per fold)`)
  if (values.keep) {
    // a second's appends left pending, for experiments by hand (psql)
    for (let i = 0; i < PER_FOLD; i++) await writeClickBatches(db, call(), salts)
    console.log(`kept: ${tdb.name}`)
  }
  const [t] = await sql<{ days: string; hashes: string }[]>`select pg_size_pretty(pg_total_relation_size('click_stats_days')) as days, pg_size_pretty(pg_total_relation_size('click_visitor_hashes')) as hashes`
  console.log(`  sizes: click_stats_days ${t!.days}, click_visitor_hashes ${t!.hashes}`)
} finally {
  await closeDb(db)
  if (!values.keep) await tdb.drop()
}
