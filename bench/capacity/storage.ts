// Storage per click and per cached link, measured on this machine's real Postgres and Redis (docs/CAPACITY.md,
// "Capacity plan"). Not a speed benchmark: it writes, reads sizes and cleans up.
//   pnpm capacity:storage [clicks] [links]     (defaults 100 000 clicks, 100 000 links)
// Postgres: a scratch database (migrated like production), 1 000 links, then `clicks` records written through the
// click writer's own insert (packages/clicks/src/insert-clicks.ts) in hand-off sized batches of 500;
// pg_total_relation_size per table and per index. Redis: a scratch key prefix; `links` lookup answers of the shape
// packages/links writes (keys from packages/redis) (`url:<code>`, JSON, EX), and click batches encoded as the hand-off puts them on the stream;
// MEMORY USAGE per key. Everything is removed at the end.
import { parseArgs } from 'node:util'
import { type ClickBatch, type ClickRecord, encodeClickBatch, insertClicks } from '@ghostlink/clicks'
import { closeDb, createDb } from '@ghostlink/db'
import { redisKeys } from '@ghostlink/redis'
import { cleanRedisPrefix, createTestDatabase, seededRandom, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import { Redis } from 'ioredis'

const { positionals } = parseArgs({ allowPositionals: true })
const CLICKS = Number(positionals[0] ?? 100_000)
const LINKS = Number(positionals[1] ?? 100_000)
const BATCH = 500 // the hand-off's largest batch (docs/ARCHITECTURE.md, click pipeline)
const random = seededRandom(17)
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!

// Browsers' user agents as sent today (110-140 characters), a few referrers, half the clicks without one.
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
]
const REFERRERS = [null, null, 'https://www.google.com/', 'https://t.co/', 'https://news.ycombinator.com/item?id=42000000']
const CODE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const code = () => Array.from({ length: 6 }, () => pick([...CODE_CHARS])).join('')
const ip = () => `${10 + Math.floor(random() * 200)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`
const mib = (b: number) => `${(b / 1_048_576).toFixed(1)} MiB`

// ---------- Postgres ----------
const tdb = await createTestDatabase()
const db = createDb(tdb.url, 2)
const sql = db.$client
try {
  await sql`insert into users (username, email) select 'u' || g, 'u' || g || '@example.com' from generate_series(1, 100) g`
  const links = await sql<{ id: number; user_id: number; short_code: string }[]>`
    insert into urls (user_id, short_code, original_url)
    select 1 + g % 100, 'c' || g, 'https://relay.cloud/ember/orbit/' || g from generate_series(1, 1000) g
    returning id, user_id, short_code`
  const clients = Array.from({ length: 20_000 }, ip)
  const start = Date.now() - CLICKS * 10
  let status302 = 0
  for (let done = 0, seq = 0; done < CLICKS; seq++) {
    const records: ClickRecord[] = []
    for (let i = 0; i < BATCH && done < CLICKS; i++, done++) {
      const r = random()
      // most answers are redirects; some unknown codes (scans) and a few quarantined ones
      const status = r < 0.9 ? 302 : r < 0.98 ? 404 : 410
      const link = pick(links)
      if (status === 302) status302++
      records.push([
        start + done * 10,
        status === 404 ? code() : link.short_code,
        status,
        pick(clients),
        pick(USER_AGENTS),
        status === 302 ? pick(REFERRERS) : null,
        status === 302 ? link.id : null,
        status === 302 ? link.user_id : null,
      ])
    }
    await insertClicks(db, [{ id: `capacity:${seq}`, records }])
  }
  await sql`vacuum analyze events, request_fingerprints, click_batches`
  const tables = await sql<{ name: string; rows: string; heap: string; indexes: string; total: string }[]>`
    select c.relname as name, c.reltuples::bigint::text as rows, pg_table_size(c.oid)::text as heap,
      pg_indexes_size(c.oid)::text as indexes, pg_total_relation_size(c.oid)::text as total
    from pg_class c where c.relname in ('events', 'request_fingerprints', 'click_batches') order by c.relname`
  const indexes = await sql<{ table: string; index: string; size: string }[]>`
    select t.relname as table, i.relname as index, pg_relation_size(i.oid)::text as size
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
    where t.relname in ('events', 'request_fingerprints') order by t.relname, i.relname`
  console.log(`\nPostgres: ${CLICKS} click records (${status302} redirects) in batches of ${BATCH}`)
  for (const t of tables) {
    const rows = Number(t.rows)
    const per = (b: string) => (rows > 0 ? (Number(b) / rows).toFixed(0) : '-')
    console.log(
      `  ${t.name}: ${rows} rows, heap ${mib(Number(t.heap))} (${per(t.heap)} B/row), indexes ${mib(Number(t.indexes))} (${per(t.indexes)} B/row), total ${mib(Number(t.total))} (${per(t.total)} B/row)`,
    )
  }
  for (const i of indexes) console.log(`    ${i.table}.${i.index}: ${mib(Number(i.size))}`)
  const total = (name: string) => Number(tables.find((t) => t.name === name)?.total ?? 0)
  const perClick = (total('events') + total('request_fingerprints')) / CLICKS
  console.log(`  events + fingerprints per click record (this mix): ${perClick.toFixed(0)} B`)
  console.log(`  per redirect (one event + one fingerprint): ${(total('events') / status302 + total('request_fingerprints') / CLICKS).toFixed(0)} B`)
} finally {
  await closeDb(db)
  await tdb.drop()
}

// ---------- Redis ----------
const prefix = testRedisPrefix().replace('gltest:', 'glcapacity:')
const keys = redisKeys(prefix)
const redis = new Redis(TEST_REDIS_URL)
try {
  const usage = async (key: string) => Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0)
  for (const urlLength of [36, 120]) {
    const before = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1])
    const codes: string[] = []
    for (let i = 0; i < LINKS; i += 1000) {
      const tx = redis.pipeline()
      for (let j = i; j < Math.min(LINKS, i + 1000); j++) {
        const c = `${code()}${j}`.slice(-10)
        codes.push(c)
        const url = `https://relay.cloud/ember/orbit/${j}?`.padEnd(urlLength, 'x')
        const answer = { kind: 'found', id: 1_000_000 + j, user_id: 10_000 + (j % 5000), original_url: url, is_active: true, quarantined: false }
        tx.set(keys.link(c), JSON.stringify(answer), 'EX', 300)
      }
      await tx.exec()
    }
    const after = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1])
    let sum = 0
    for (let i = 0; i < codes.length; i += 1000) {
      const sizes = await Promise.all(codes.slice(i, i + 1000).map((c) => usage(keys.link(c))))
      sum += sizes.reduce((a, b) => a + b, 0)
    }
    console.log(
      `\nRedis: ${LINKS} cached answers, original_url ${urlLength} chars: MEMORY USAGE ${(sum / LINKS).toFixed(0)} B/key` +
        ` (${mib((sum / LINKS) * 1_000_000)} per million); used_memory grew ${((after - before) / LINKS).toFixed(0)} B/key` +
        ` (instance-wide: includes the expires entry, noisy if other clients write meanwhile)`,
    )
    await cleanRedisPrefix(keys.link(''))
  }

  // The click stream while writers lag: one entry per hand-off batch, in the wire format.
  const clients = Array.from({ length: 20_000 }, ip)
  let clicks = 0
  for (let b = 0; b < 200; b++) {
    const records: ClickRecord[] = Array.from({ length: BATCH }, (_, i) => [
      Date.now() + i,
      `c${Math.floor(random() * 1000)}`,
      302,
      pick(clients),
      pick(USER_AGENTS),
      pick(REFERRERS),
      1 + Math.floor(random() * 1000),
      1 + Math.floor(random() * 100),
    ])
    const batch: ClickBatch = { id: `capacity:${b}`, records }
    await redis.xadd(keys.clickStream, '*', 'b', encodeClickBatch(batch))
    clicks += records.length
  }
  const streamBytes = await usage(keys.clickStream)
  console.log(`\nRedis stream backlog: ${clicks} clicks in 200 entries: ${(streamBytes / clicks).toFixed(0)} B/click (${mib((streamBytes / clicks) * 1_000_000)} per million buffered)`)
} finally {
  redis.disconnect()
  await cleanRedisPrefix(prefix)
}
