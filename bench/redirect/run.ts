// pnpm bench:redirect [--duration 10] [--connections 100] [--only warm,redis-hit,redis-down,warm-concurrent,warm-proxied,forward-query,max-clicks] [--writer deferred|concurrent|inline] [--memory]
// Ceiling (bare fastify + Map) and the real redirect service, each in its own process, loaded by autocannon in the
// same run; prints req/s, p50, p99, the ratio to the ceiling, and checks clicks recorded = 3xx answers counted.
import { parseArgs } from 'node:util'
import { execFileSync } from 'node:child_process'
import { type Child, cpuSeconds, freePort, load, type LoadResult, PROXIED_HEADERS, root, rssMb, startChild, stopChild, warm } from './load.js'
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
    writer: { type: 'string', default: 'deferred' },
  },
})
const duration = Number(args.duration)
const writerMode = args.writer as WriterMode
if (!['deferred', 'concurrent', 'inline'].includes(writerMode)) throw new Error('--writer deferred|concurrent|inline')
const connections = Number(args.connections)
const codeCount = args.memory ? 100_000 : 1_000
const codes = Array.from({ length: codeCount }, (_, i) => `b${i}`)

// The services under test run as production runs them: compiled JavaScript from `pnpm build`.
execFileSync('pnpm', ['turbo', 'run', 'build', '--filter=@ghostlink/redirect...', '--filter=@ghostlink/click-writer...', '--output-logs=errors-only'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
})
const SERVICE = 'apps/redirect/dist/server.js'
const WRITER = 'apps/click-writer/dist/server.js'
// docs/ARCHITECTURE.md "Where the consumer runs": replicas hand clicks off to the Redis stream, the click writer (a
// service of its own) inserts them into Postgres. Where the writer runs during the load window:
// - deferred (the targets): the writer starts once the load window is over and drains the stream; the window
//   measures the redirect tier with click recording on (every click handed off durably), as deployed, where the
//   writers and Postgres have CPUs of their own. All clicks are still checked once the writer has drained them.
// - concurrent: the writer (nice 10) and Postgres share this machine's cores with the service under test and the
//   load generator during the window: the whole pipeline on one box. Shown next to the targets, for information.
// - inline (`--writer inline`): the consumer runs inside the replica (CLICK_CONSUMER=on).
type WriterMode = 'deferred' | 'concurrent' | 'inline' | 'none'
const startService = async (env: Record<string, string>, writer: WriterMode, nodeArgs: string[] = []) => {
  const w = writer === 'concurrent' ? await startChild(WRITER, serviceEnv(env), [], 10) : undefined
  const service = await startChild(SERVICE, serviceEnv({ ...env, CLICK_CONSUMER: writer === 'inline' ? 'on' : 'off' }), nodeArgs)
  return { service, writer: w, mode: writer }
}
/** SIGTERM the replica (it hands off what it holds), then the writer (it drains the stream); both exit codes. */
const stopService = async (s: { service: Child; writer?: Child; mode: WriterMode }, env: Record<string, string> = {}) => {
  const a = await stopChild(s.service)
  // a deferred writer starts on the whole window's backlog: the time it takes is the writer's own rate
  const t0 = performance.now()
  if (s.mode === 'deferred') s.writer = await startChild(WRITER, serviceEnv(env), [], 10)
  if (s.writer || s.mode === 'inline') await streamDrained()
  const drainSeconds = s.mode === 'deferred' ? (performance.now() - t0) / 1000 : undefined
  const b = s.writer ? await stopChild(s.writer) : 0
  return { exit: a === 0 && b === 0 ? 0 : (a ?? b), drainSeconds }
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
// links with options (issue 14), as many as the plain ones: what an option costs is measured on links that use it
const forwardCodes = codes.map((_, i) => `f${i}`)
const limitedCodes = codes.map((_, i) => `m${i}`)
if (!args.memory) {
  await db.insert(urls).values(forwardCodes.map((c, i) => ({ short_code: c, original_url: `https://example.com/landing/${i}?ref=bench#top`, forward_query: true })))
  // a limit far beyond the run: every request takes a click from the shared Redis counter and is served
  await db.insert(urls).values(limitedCodes.map((c, i) => ({ short_code: c, original_url: `https://example.com/landing/${i}`, max_clicks: 2_000_000_000 })))
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

type Row = { name: string; result: LoadResult; cpuUs: number; ceiling?: LoadResult; clicksOk?: boolean; clicks?: string; target?: string; pass?: boolean }
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
  // Each scenario has its own ceiling, measured in the same minute: this machine's speed drifts by tens of percent
  // over minutes. Both processes run side by side and the load alternates between them in slices of ~2 s
  // (ceiling, service, ceiling, service, …), so a slow or fast minute falls on both sides alike. Each side's figures
  // sum its slices; its p50 and p99 are the worst of its slices.
  const sliceCount = Math.max(1, Math.round(duration / 2))
  type Target = { base: string; pid: number; codes: string[] }
  type Measured = { result: LoadResult; cpuUs: number }
  async function measure(targets: Target[], headers: Record<string, string> | undefined, slices: number, query?: string): Promise<Measured[]> {
    const parts = targets.map(() => ({ results: [] as LoadResult[], cpu: 0 }))
    for (let i = 0; i < slices; i++) {
      for (const [k, t] of targets.entries()) {
        const cpu = cpuSeconds(t.pid)
        parts[k]!.results.push(await load(t.base, t.codes, { duration: duration / slices, connections, headers, query }))
        parts[k]!.cpu += cpuSeconds(t.pid) - cpu
      }
    }
    return parts.map(({ results, cpu }) => {
      const sum = (f: (r: LoadResult) => number) => results.reduce((n, r) => n + f(r), 0)
      const result: LoadResult = {
        rps: sum((r) => r.rps) / results.length,
        p50: Math.max(...results.map((r) => r.p50)),
        p99: Math.max(...results.map((r) => r.p99)),
        redirects: sum((r) => r.redirects),
        total: sum((r) => r.total),
        errors: sum((r) => r.errors),
      }
      return { result, cpuUs: (cpu * 1e6) / result.total }
    })
  }
  const startCeiling = async () => {
    const child = await startChild('bench/redirect/ceiling-server.ts', { BENCH_CODES: String(codeCount) })
    await warm(child.base, codes)
    return child
  }
  const target = (c: Child, on: string[] = codes): Target => ({ base: c.base, pid: c.proc.pid!, codes: on })

  const closedPort = await freePort()
  type Scenario = {
    name: string
    label: string
    env: Record<string, string>
    writer: WriterMode
    minRatio?: number
    maxP99?: number
    headers?: Record<string, string>
    /** the service's links (default: the plain ones); the ceiling always answers the plain codes */
    codes?: string[]
    query?: string
  }
  const scenarios: Scenario[] = [
    { name: 'warm', label: 'warm local cache, clicks on', env: {}, writer: writerMode, minRatio: 0.75, maxP99: 2 },
    { name: 'redis-hit', label: 'local cache off (Redis hit)', env: { LOCAL_CACHE_MAX: '0' }, writer: writerMode, minRatio: 0.5 },
    {
      name: 'redis-down',
      label: 'Redis down (Postgres lookups, memory buffer)',
      env: { LOCAL_CACHE_MAX: '0', REDIS_URL: `redis://127.0.0.1:${closedPort}/0` },
      minRatio: 0.25,
      // no stream: the replica's own buffer inserts into Postgres during the window, whatever the mode
      writer: 'none',
    },
  ]
  // the whole pipeline on this machine, for information (no target): only when the targets ran with a deferred writer
  if (writerMode === 'deferred') scenarios.push({ name: 'warm-concurrent', label: 'warm, click writer + Postgres concurrent', env: {}, writer: 'concurrent' })
  // requests as they arrive from the edge (X-Forwarded-For from a trusted peer, a browser's User-Agent and Referer),
  // the ceiling paired with it loaded the same way; for information (no target)
  scenarios.push({ name: 'warm-proxied', label: 'warm, proxied browser headers', env: {}, writer: writerMode, headers: PROXIED_HEADERS })
  // per-link options (issue 14), for information: the ratio to the plain `warm` row is the option's cost
  scenarios.push({
    name: 'forward-query',
    label: 'warm, forward_query (visitor query merged)',
    env: {},
    writer: writerMode,
    codes: forwardCodes,
    query: '?utm_source=newsletter&utm_medium=email&ref=visitor',
  })
  scenarios.push({ name: 'max-clicks', label: 'warm, max_clicks (Redis counter per click)', env: {}, writer: writerMode, codes: limitedCodes })
  const only = args.only?.split(',')
  const drains: string[] = []
  for (const s of scenarios) {
    if (only && !only.includes(s.name)) continue
    const before = await redirectEvents()
    const ceilingChild = await startCeiling()
    let started: Awaited<ReturnType<typeof startService>>
    let warmed: number
    let ceilingM: Measured
    let serviceM: Measured
    const slices = s.writer === 'concurrent' ? 1 : sliceCount
    if (s.writer === 'concurrent') {
      // a concurrent writer would also eat into the ceiling's slices: here the ceiling runs alone, first
      ;[ceilingM] = (await measure([target(ceilingChild)], s.headers, 1)) as [Measured]
      await stopChild(ceilingChild)
      started = await startService(s.env, s.writer)
      warmed = await warm(started.service.base, s.codes ?? codes)
      ;[serviceM] = (await measure([target(started.service, s.codes)], s.headers, 1, s.query)) as [Measured]
    } else {
      started = await startService(s.env, s.writer)
      warmed = await warm(started.service.base, s.codes ?? codes)
      ;[ceilingM, serviceM] = (await measure([target(ceilingChild), target(started.service, s.codes)], s.headers, slices, s.query)) as [
        Measured,
        Measured,
      ]
      await stopChild(ceilingChild)
    }
    const child = started.service
    const ceiling = ceilingM.result
    const result = serviceM.result
    const cpuUs = serviceM.cpuUs
    rows.push({ name: 'ceiling (bare fastify + Map)', result: ceiling, cpuUs: ceilingM.cpuUs })
    // autocannon drops the replies still in flight when the run ends (up to one per connection), so the 3xx
    // answers are counted by the service itself; autocannon's count is shown next to it
    await new Promise((r) => setTimeout(r, 1000)) // the requests autocannon abandoned are still being answered
    const answered = await served302(child.base)
    const { exit, drainSeconds } = await stopService(started, s.env) // SIGTERM: every click held is handed off, then written
    const recorded = (await redirectEvents()) - before
    if (drainSeconds !== undefined) drains.push(`${s.name}: ${recorded} clicks in ${drainSeconds.toFixed(1)} s = ${(recorded / drainSeconds).toFixed(0)} clicks/s`)
    const seen = warmed + result.redirects
    const ratio = result.rps / ceiling.rps
    const p99ok = s.maxP99 === undefined || result.p99 <= s.maxP99 * Math.max(ceiling.p99, 1)
    const pass = ratio >= (s.minRatio ?? 0) && p99ok && recorded === answered && answered - seen <= connections * slices && exit === 0
    failed ||= !pass
    rows.push({
      name: s.label,
      result,
      cpuUs,
      ceiling,
      clicks: `${recorded}/${answered}`,
      clicksOk: recorded === answered,
      target: s.minRatio === undefined ? 'no target: clicks = 3xx' : `≥${s.minRatio * 100}%${s.maxP99 ? `, p99 ≤ ${s.maxP99}× ceiling` : ''}`,
      pass,
    })
  }

  console.log(
    `\nredirect bench: ${connections} connections, ${duration} s per side in ${sliceCount} alternating slices, ${codeCount} codes, click consumer ${writerMode === 'inline' ? 'inside the replica' : writerMode === 'deferred' ? 'in the click writer, started after the load window' : 'in the click writer (nice 10), concurrent'}\n`,
  )
  console.log(['scenario'.padEnd(46), 'req/s'.padStart(9), 'p50 ms'.padStart(7), 'p99 ms'.padStart(7), 'ratio'.padStart(7), 'µs CPU/req'.padStart(11), 'clicks/3xx'.padStart(16), '  target'].join(' '))
  for (const r of rows) {
    console.log(
      [
        r.name.padEnd(46),
        r.result.rps.toFixed(0).padStart(9),
        String(r.result.p50).padStart(7),
        String(r.result.p99).padStart(7),
        (r.ceiling ? `${((r.result.rps / r.ceiling.rps) * 100).toFixed(0)}%` : '-').padStart(7),
        r.cpuUs.toFixed(1).padStart(11),
        (r.clicks ?? '-').padStart(16),
        r.target ? `  ${r.target} ${r.pass ? 'PASS' : 'FAIL'}` : '',
      ].join(' '),
    )
  }
  if (drains.length > 0) console.log(`\nclick writer (one process, started after the window, includes its start-up): ${drains.join('; ')}`)
  console.log(`\n${JSON.stringify({ bench: 'redirect', duration, connections, rows: rows.map((r) => ({ ...r, ratio: r.ceiling ? r.result.rps / r.ceiling.rps : undefined })) })}`)
}

async function memoryRun() {
  const amount = Number(args.requests)
  const before = await redirectEvents()
  // the heap caps docker-compose.yml gives the replicas (NODE_OPTIONS); BENCH_MEMORY_NODE_ARGS to try others
  const nodeArgs = (process.env.BENCH_MEMORY_NODE_ARGS ?? '--max-old-space-size=96 --max-semi-space-size=4').split(' ').filter(Boolean)
  const started = await startService({}, writerMode, nodeArgs)
  const child = started.service
  const start = rssMb(child.proc.pid!)
  const result = await load(child.base, codes, { amount, connections })
  await new Promise((r) => setTimeout(r, 2000)) // let the click consumer catch up before measuring
  const after = rssMb(child.proc.pid!)
  const answered = await served302(child.base)
  const { exit } = await stopService(started)
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
