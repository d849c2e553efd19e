// pnpm bench:onebox [--requests 20000] [--connections 50]
// The one-process mode (`pnpm start`: apps/standalone on its embedded Postgres) beside the platform's redirect
// replica (apps/redirect on the Postgres server and Redis, consuming its own click stream) under the same load, in
// the same run, both from source as `pnpm start` and `pnpm dev` run them. For each: req/s, p50, p99, CPU per
// request, and every click checked: after a graceful stop, recorded redirect events = 302s answered.
// Figures: docs/CAPACITY.md#one-process-mode. Measure on a quiet machine (the load average is printed).
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { closeDb, createDb, type Db, events, migrateDb, urls, users } from '@ghostlink/db'
import { startEmbeddedPostgres } from '@ghostlink/embedded-postgres'
import { cleanRedisPrefix, createTestDatabase, TEST_REDIS_URL } from '@ghostlink/testing'
import { count, eq } from 'drizzle-orm'
import { type Child, cpuSeconds, load, type LoadResult, PROXIED_HEADERS, startChild, stopChild, warm } from '../redirect/load.js'

const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '20000' }, connections: { type: 'string', default: '50' } } })
// a fixed number of requests, not a duration: autocannon stops counting the requests in flight when a duration ends,
// which the server still answers and records
const amount = Number(args.requests)
const connections = Number(args.connections)
const codes = Array.from({ length: 1_000 }, (_, i) => `b${i}`)
const quiet = { LOG_LEVEL: 'warn', AUTH_MODE: 'token' }

async function seedLinks(db: Db) {
  const [u] = await db.insert(users).values({ username: 'bench', email: 'bench@example.com' }).returning()
  await db.insert(urls).values(codes.map((c, i) => ({ user_id: u!.id, short_code: c, original_url: `https://example.com/${i}` })))
}
const redirectEvents = async (db: Db) => (await db.select({ n: count() }).from(events).where(eq(events.event_type, 'redirect')))[0]!.n

type Row = LoadResult & { name: string; cpuPerReq: number; recorded: number; answered: number }
async function measure(name: string, child: Child, recorded: () => Promise<number>): Promise<Row> {
  const warmed = await warm(child.base, codes)
  const cpu0 = cpuSeconds(child.proc.pid!)
  const r = await load(child.base, codes, { amount, connections, headers: PROXIED_HEADERS })
  const cpu = cpuSeconds(child.proc.pid!) - cpu0
  if ((await stopChild(child)) !== 0) throw new Error(`${name} did not stop cleanly`)
  return { name, ...r, cpuPerReq: (cpu * 1e6) / r.total, answered: warmed + r.redirects, recorded: await recorded() }
}

const rows: Row[] = []
// the one-process mode: links written into a fresh embedded database, then `pnpm start`'s entry on it
{
  const dir = mkdtempSync(join(tmpdir(), 'gl-bench-onebox-'))
  const prefix = `gl-bench-onebox-${process.pid}:`
  const open = async <T>(f: (db: Db) => Promise<T>) => {
    const pg = await startEmbeddedPostgres({ dataDir: dir })
    const db = createDb(pg.url, 1)
    try {
      return await f(db)
    } finally {
      await closeDb(db)
      await pg.close()
    }
  }
  await open(async (db) => {
    await migrateDb(db)
    await seedLinks(db)
  })
  const child = await startChild('apps/standalone/src/server.ts', { ...quiet, GHOSTLINK_DATA_DIR: dir, REDIS_PREFIX: prefix })
  rows.push(await measure('one process (embedded)', child, () => open(redirectEvents)))
  await cleanRedisPrefix(prefix)
  rmSync(dir, { recursive: true, force: true })
}
// the platform's redirect replica on the Postgres server and Redis, with its own stream consumer
{
  const tdb = await createTestDatabase()
  const prefix = `gl-bench-onebox-platform-${process.pid}:`
  const db = createDb(tdb.url, 2)
  await seedLinks(db)
  const child = await startChild('apps/redirect/src/server.ts', { ...quiet, DATABASE_URL: tdb.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix })
  rows.push(await measure('platform redirect replica', child, () => redirectEvents(db)))
  await closeDb(db)
  await cleanRedisPrefix(prefix)
  await tdb.drop()
}

console.log(`\nload average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${amount} requests, ${connections} connections, ${codes.length} codes`)
console.log('| target | req/s | p50 ms | p99 ms | CPU µs/req | 302s answered | clicks recorded |')
console.log('|---|---|---|---|---|---|---|')
for (const r of rows)
  console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.cpuPerReq.toFixed(0)} | ${r.answered} | ${r.recorded}${r.recorded === r.answered ? '' : ' MISMATCH'} |`)
const [one, platform] = rows
console.log(`one process / platform replica: ${(one!.rps / platform!.rps).toFixed(2)} × the requests per second`)
if (rows.some((r) => r.recorded !== r.answered)) process.exitCode = 1
