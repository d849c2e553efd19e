// pnpm bench:redirect [--duration 10] [--connections 100] [--only warm,redis-hit,redis-down] [--memory]
// Ceiling (bare fastify + Map) and the real redirect service, each in its own process, loaded by autocannon in the
// same run; prints req/s, p50, p99, the ratio to the ceiling, and checks clicks recorded = 3xx answers counted.
import { parseArgs } from 'node:util'
import { freePort, load, type LoadResult, rssMb, startChild, stopChild, warm } from './load.js'
import { importFromRedirect } from './resolve.js'

type Testing = typeof import('@ghostlink/testing')
type DbPkg = typeof import('@ghostlink/db')
type Drizzle = typeof import('drizzle-orm')
const { createTestDatabase, cleanRedisPrefix, TEST_REDIS_URL } = await importFromRedirect<Testing>('@ghostlink/testing')
const { createDb, closeDb, urls, events } = await importFromRedirect<DbPkg>('@ghostlink/db')
const { count, eq } = await importFromRedirect<Drizzle>('drizzle-orm')

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '100' },
    only: { type: 'string' },
    memory: { type: 'boolean', default: false },
    requests: { type: 'string', default: '1000000' },
  },
})
const duration = Number(args.duration)
const connections = Number(args.connections)
const codeCount = args.memory ? 100_000 : 1_000
const codes = Array.from({ length: codeCount }, (_, i) => `b${i}`)

const tdb = await createTestDatabase()
const db = createDb(tdb.url, 2)
const prefix = `glbench:${process.pid}:`
for (let i = 0; i < codes.length; i += 5000) {
  await db.insert(urls).values(codes.slice(i, i + 5000).map((c, j) => ({ short_code: c, original_url: `https://example.com/landing/${i + j}` })))
}
const redirectEvents = async () => (await db.select({ n: count() }).from(events).where(eq(events.event_type, 'redirect')))[0]!.n

const serviceEnv = (extra: Record<string, string>) => ({
  DATABASE_URL: tdb.url,
  REDIS_URL: TEST_REDIS_URL,
  REDIS_PREFIX: prefix,
  LOG_LEVEL: 'warn',
  APP_VERSION: 'bench',
  ...extra,
})

type Row = { name: string; result: LoadResult; clicksOk?: boolean; clicks?: string; target?: string; pass?: boolean }
const rows: Row[] = []
let failed = false

try {
  if (args.memory) await memoryRun()
  else await throughputRuns()
} finally {
  await closeDb(db)
  await cleanRedisPrefix(prefix)
  await tdb.drop()
}
process.exit(failed ? 1 : 0)

async function throughputRuns() {
  const ceilingChild = await startChild('bench/redirect/ceiling-server.ts', { BENCH_CODES: String(codeCount) })
  await warm(ceilingChild.base, codes)
  const ceiling = await load(ceilingChild.base, codes, { duration, connections })
  await stopChild(ceilingChild)
  rows.push({ name: 'ceiling (bare fastify + Map)', result: ceiling })

  const closedPort = await freePort()
  const scenarios = [
    { name: 'warm', label: 'warm local cache, clicks on', env: {}, minRatio: 0.75, maxP99: 2 },
    { name: 'redis-hit', label: 'local cache off (Redis hit)', env: { LOCAL_CACHE_MAX: '0' }, minRatio: 0.5 },
    {
      name: 'redis-down',
      label: 'Redis down (Postgres lookups, memory buffer)',
      env: { LOCAL_CACHE_MAX: '0', REDIS_URL: `redis://127.0.0.1:${closedPort}/0` },
      minRatio: 0.25,
    },
  ]
  const only = args.only?.split(',')
  for (const s of scenarios) {
    if (only && !only.includes(s.name)) continue
    const before = await redirectEvents()
    const child = await startChild('apps/redirect/src/server.ts', serviceEnv(s.env))
    const warmed = await warm(child.base, codes)
    const result = await load(child.base, codes, { duration, connections })
    // autocannon drops the replies still in flight when the run ends (up to one per connection), so the 3xx
    // answers are counted by the service itself; autocannon's count is shown next to it
    await new Promise((r) => setTimeout(r, 1000)) // the requests autocannon abandoned are still being answered
    const answered = await served302(child.base)
    const exit = await stopChild(child) // SIGTERM: the service flushes every click it holds before exiting
    const recorded = (await redirectEvents()) - before
    const seen = warmed + result.redirects
    const ratio = result.rps / ceiling.rps
    const p99ok = s.maxP99 === undefined || result.p99 <= s.maxP99 * Math.max(ceiling.p99, 1)
    const pass = ratio >= s.minRatio && p99ok && recorded === answered && answered - seen <= connections && exit === 0
    failed ||= !pass
    rows.push({
      name: s.label,
      result,
      clicks: `${recorded}/${answered}`,
      clicksOk: recorded === answered,
      target: `≥${s.minRatio * 100}%${s.maxP99 ? `, p99 ≤ ${s.maxP99}× ceiling` : ''}`,
      pass,
    })
  }

  console.log(`\nredirect bench: ${connections} connections, ${duration} s per run, ${codeCount} codes\n`)
  console.log(['scenario'.padEnd(46), 'req/s'.padStart(9), 'p50 ms'.padStart(7), 'p99 ms'.padStart(7), 'ratio'.padStart(7), 'clicks/3xx'.padStart(16), '  target'].join(' '))
  for (const r of rows) {
    console.log(
      [
        r.name.padEnd(46),
        r.result.rps.toFixed(0).padStart(9),
        String(r.result.p50).padStart(7),
        String(r.result.p99).padStart(7),
        `${((r.result.rps / ceiling.rps) * 100).toFixed(0)}%`.padStart(7),
        (r.clicks ?? '-').padStart(16),
        r.target ? `  ${r.target} ${r.pass ? 'PASS' : 'FAIL'}` : '',
      ].join(' '),
    )
  }
  console.log(`\n${JSON.stringify({ bench: 'redirect', duration, connections, rows: rows.map((r) => ({ ...r, ratio: r.result.rps / ceiling.rps })) })}`)
}

async function memoryRun() {
  const amount = Number(args.requests)
  const before = await redirectEvents()
  // BENCH_MEMORY_NODE_ARGS, e.g. "--max-old-space-size=96", to try a heap cap (docs/CAPACITY.md)
  const child = await startChild('apps/redirect/src/server.ts', serviceEnv({}), process.env.BENCH_MEMORY_NODE_ARGS?.split(' ').filter(Boolean))
  const start = rssMb(child.proc.pid!)
  const result = await load(child.base, codes, { amount, connections })
  await new Promise((r) => setTimeout(r, 2000)) // let the click consumer catch up before measuring
  const after = rssMb(child.proc.pid!)
  const answered = await served302(child.base)
  const exit = await stopChild(child)
  const recorded = (await redirectEvents()) - before
  const pass = after.rss < 150 && recorded === answered && exit === 0
  failed ||= !pass
  console.log(
    `\nredirect memory: ${result.total} requests over ${codeCount} codes at ${result.rps.toFixed(0)} req/s; ` +
      `RSS ${start.rss.toFixed(0)} MB at start → ${after.rss.toFixed(0)} MB after (peak ${after.peak.toFixed(0)} MB), target < 150 MB; ` +
      `clicks ${recorded}/${answered} ${pass ? 'PASS' : 'FAIL'}`,
  )
}

/** The service's own count of 302 answers (url_redirects_total{status="302"}). */
async function served302(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text()
  return Number(text.match(/url_redirects_total\{[^}]*status="302"[^}]*\} (\d+)/)?.[1] ?? Number.NaN)
}
