// pnpm bench:redirect [--duration 10] [--connections 100] [--only warm,redis-hit,redis-down] [--memory]
// Ceiling (bare fastify + Map) and the real redirect service, each in its own process, loaded by autocannon in the
// same run; prints req/s, p50, p99, the ratio to the ceiling, and checks clicks recorded = 3xx answers counted.
import { parseArgs } from 'node:util'
import { execFileSync } from 'node:child_process'
import { type Child, cpuSeconds, freePort, load, type LoadResult, root, rssMb, startChild, stopChild, warm } from './load.js'
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

// The services under test run as production runs them: compiled JavaScript from `pnpm build`.
execFileSync('pnpm', ['turbo', 'run', 'build', '--filter=@ghostlink/redirect...', '--output-logs=errors-only'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
})
const SERVICE = 'apps/redirect/dist/server.js'
const WRITER = 'apps/redirect/dist/click-writer.js'
// docs/ARCHITECTURE.md "Where the consumer runs": replicas hand clicks off, the click writer inserts them. Here both
// share the machine's 2 cores with autocannon and Postgres; the writer runs at a lower priority (nice 10), as
// background work the stream lets lag behind a burst. A run with WRITER_INLINE=1 keeps the consumer in the replica.
// WRITER_DEFERRED=1 starts the writer only after the load window: it measures the redirect tier alone, as when the
// writers and Postgres have hosts of their own; the clicks are still all checked once the writer has drained them.
const writerInline = process.env.WRITER_INLINE === '1'
const writerDeferred = process.env.WRITER_DEFERRED === '1'
const startService = async (env: Record<string, string>, nodeArgs: string[] = [], withWriter = true) => {
  // with Redis down there is no stream to drain: the replica's in-memory buffer inserts directly
  const writer = writerInline || writerDeferred || !withWriter ? undefined : await startChild(WRITER, serviceEnv(env), [], 10)
  const service = await startChild(SERVICE, serviceEnv({ ...env, CLICK_CONSUMER: writerInline ? 'on' : 'off' }), nodeArgs)
  return { service, writer }
}
/** SIGTERM the replica (it hands off what it holds), then the writer (it drains the stream); both exit codes. */
const stopService = async (s: { service: Child; writer?: Child }, env: Record<string, string> = {}, withWriter = true) => {
  const a = await stopChild(s.service)
  if (writerDeferred && withWriter) s.writer = await startChild(WRITER, serviceEnv(env), [], 10)
  if (s.writer) await streamDrained()
  const b = s.writer ? await stopChild(s.writer) : 0
  return a === 0 && b === 0 ? 0 : (a ?? b)
}

const { Redis } = await importFromRedirect<typeof import('ioredis')>('ioredis')

/** Waits until the writer has inserted and deleted every stream entry (at most two minutes). */
async function streamDrained(): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL)
  try {
    for (let i = 0; i < 1200 && (await redis.xlen(`${prefix}clicks`)) > 0; i++) await new Promise((r) => setTimeout(r, 100))
  } finally {
    redis.disconnect()
  }
}

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

type Row = { name: string; result: LoadResult; cpuUs: number; clicksOk?: boolean; clicks?: string; target?: string; pass?: boolean }
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
  const ceilingCpu = cpuSeconds(ceilingChild.proc.pid!)
  const ceiling = await load(ceilingChild.base, codes, { duration, connections })
  const ceilingCpuUs = ((cpuSeconds(ceilingChild.proc.pid!) - ceilingCpu) * 1e6) / ceiling.total
  await stopChild(ceilingChild)
  rows.push({ name: 'ceiling (bare fastify + Map)', result: ceiling, cpuUs: ceilingCpuUs })

  const closedPort = await freePort()
  const scenarios = [
    { name: 'warm', label: 'warm local cache, clicks on', env: {}, minRatio: 0.75, maxP99: 2 },
    { name: 'redis-hit', label: 'local cache off (Redis hit)', env: { LOCAL_CACHE_MAX: '0' }, minRatio: 0.5 },
    {
      name: 'redis-down',
      label: 'Redis down (Postgres lookups, memory buffer)',
      env: { LOCAL_CACHE_MAX: '0', REDIS_URL: `redis://127.0.0.1:${closedPort}/0` },
      minRatio: 0.25,
      writer: false,
    },
  ]
  const only = args.only?.split(',')
  for (const s of scenarios) {
    if (only && !only.includes(s.name)) continue
    const before = await redirectEvents()
    const started = await startService(s.env, [], s.writer ?? true)
    const child = started.service
    const warmed = await warm(child.base, codes)
    const cpuBefore = cpuSeconds(child.proc.pid!)
    const result = await load(child.base, codes, { duration, connections })
    const cpuUs = ((cpuSeconds(child.proc.pid!) - cpuBefore) * 1e6) / result.total
    // autocannon drops the replies still in flight when the run ends (up to one per connection), so the 3xx
    // answers are counted by the service itself; autocannon's count is shown next to it
    await new Promise((r) => setTimeout(r, 1000)) // the requests autocannon abandoned are still being answered
    const answered = await served302(child.base)
    const exit = await stopService(started, s.env, s.writer ?? true) // SIGTERM: every click held is handed off, then written
    const recorded = (await redirectEvents()) - before
    const seen = warmed + result.redirects
    const ratio = result.rps / ceiling.rps
    const p99ok = s.maxP99 === undefined || result.p99 <= s.maxP99 * Math.max(ceiling.p99, 1)
    const pass = ratio >= s.minRatio && p99ok && recorded === answered && answered - seen <= connections && exit === 0
    failed ||= !pass
    rows.push({
      name: s.label,
      result,
      cpuUs,
      clicks: `${recorded}/${answered}`,
      clicksOk: recorded === answered,
      target: `≥${s.minRatio * 100}%${s.maxP99 ? `, p99 ≤ ${s.maxP99}× ceiling` : ''}`,
      pass,
    })
  }

  console.log(
    `\nredirect bench: ${connections} connections, ${duration} s per run, ${codeCount} codes, click consumer ${writerInline ? 'inside the replica' : writerDeferred ? 'in the click writer, started after the load window' : 'in the click writer (nice 10), concurrent'}\n`,
  )
  console.log(['scenario'.padEnd(46), 'req/s'.padStart(9), 'p50 ms'.padStart(7), 'p99 ms'.padStart(7), 'ratio'.padStart(7), 'µs CPU/req'.padStart(11), 'clicks/3xx'.padStart(16), '  target'].join(' '))
  for (const r of rows) {
    console.log(
      [
        r.name.padEnd(46),
        r.result.rps.toFixed(0).padStart(9),
        String(r.result.p50).padStart(7),
        String(r.result.p99).padStart(7),
        `${((r.result.rps / ceiling.rps) * 100).toFixed(0)}%`.padStart(7),
        r.cpuUs.toFixed(1).padStart(11),
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
  // the heap caps docker-compose.yml gives the replicas (NODE_OPTIONS); BENCH_MEMORY_NODE_ARGS to try others
  const nodeArgs = (process.env.BENCH_MEMORY_NODE_ARGS ?? '--max-old-space-size=96 --max-semi-space-size=4').split(' ').filter(Boolean)
  const started = await startService({}, nodeArgs)
  const child = started.service
  const start = rssMb(child.proc.pid!)
  const result = await load(child.base, codes, { amount, connections })
  await new Promise((r) => setTimeout(r, 2000)) // let the click consumer catch up before measuring
  const after = rssMb(child.proc.pid!)
  const answered = await served302(child.base)
  const exit = await stopService(started)
  const recorded = (await redirectEvents()) - before
  const pass = after.rss < 150 && recorded === answered && exit === 0
  failed ||= !pass
  console.log(
    `\nredirect memory (node ${nodeArgs.join(' ')}): ${result.total} requests over ${codeCount} codes at ${result.rps.toFixed(0)} req/s; ` +
      `RSS ${start.rss.toFixed(0)} MB at start → ${after.rss.toFixed(0)} MB after (peak ${after.peak.toFixed(0)} MB), target < 150 MB; ` +
      `clicks ${recorded}/${answered} ${pass ? 'PASS' : 'FAIL'}`,
  )
}

/** The service's own count of 302 answers (url_redirects_total{status="302"}). */
async function served302(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text()
  return Number(text.match(/url_redirects_total\{[^}]*status="302"[^}]*\} (\d+)/)?.[1] ?? Number.NaN)
}
