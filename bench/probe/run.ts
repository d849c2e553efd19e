// Link-health probe benchmark (issue: 10,000 URLs in under 60 s at the default concurrency, per-host limit held).
//   pnpm bench:probe [urls]     (node --conditions=development --import tsx bench/probe/run.ts)
// Runs the real prober path end to end: a fresh database with N active URLs, the BullMQ worker at the default
// PROBE_CONCURRENCY, one sweep job that fans out a probe job per URL, each probe stored in health_checks with
// retention and a risk job enqueued. Host names h<i>.localtest (and one hot host holding 10 % of the URLs) are
// mapped to 127.0.0.1 by the probe's resolver in bench mode, so the per-host limit applies per name. The sites are
// served by a child process (hosts-server.mjs) so they do not take the prober's CPU.
import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, urls } from '@ghostlink/db'
import { createProberMetrics } from '@ghostlink/metrics'
import { allowAll, createProbeAgent, HostLimiter, type Resolver } from '@ghostlink/prober/probe'
import { startProberWorkers } from '@ghostlink/prober/worker'
import { createBlockingRedis } from '@ghostlink/redis'
import { cleanRedisPrefix, createTestDatabase, TEST_REDIS_URL } from '@ghostlink/testing'
import { sql } from 'drizzle-orm'
import { pino } from 'pino'

const N = Number(process.argv[2] ?? 10_000)
const HOSTS = 200
const HOT_SHARE = 0.1

const localtest: Resolver = async (host) => {
  if (!host.endsWith('.localtest')) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
  return [{ address: '127.0.0.1', family: 4 }]
}

type Stats = { type: 'stats'; maxInFlight: Record<string, number>; maxTotal: number; requests: number }
const hosts = fork(new URL('./hosts-server.mjs', import.meta.url), { stdio: 'inherit' })
const [ready] = (await once(hosts, 'message')) as [{ port: number }]
const server = { port: ready.port }
const hostStats = async (): Promise<Stats> => {
  const reply = once(hosts, 'message')
  hosts.send('stats')
  return (await reply)[0] as Stats
}
const tdb = await createTestDatabase()
const prefix = `glbench:${randomUUID().slice(0, 8)}:`
const config = loadConfig({
  DATABASE_URL: tdb.url,
  REDIS_URL: TEST_REDIS_URL,
  REDIS_PREFIX: prefix,
  PROBE_ALLOW_PRIVATE: 'true',
  LOG_LEVEL: 'silent',
})
const db = createDb(config.databaseUrl, config.PROBE_CONCURRENCY + 2)
const redis = createBlockingRedis(config.REDIS_URL, 'bench-probe')
const dispatcher = createProbeAgent({
  policy: allowAll,
  connectTimeoutMs: config.PROBE_CONNECT_TIMEOUT_MS,
  timeoutMs: config.PROBE_TIMEOUT_MS,
  resolver: localtest,
})

try {
  const rows = [...Array(N)].map((_, i) => {
    const host = i < N * HOT_SHARE ? 'hot.localtest' : `h${i % HOSTS}.localtest`
    return { short_code: `b${i.toString(36)}`, original_url: `http://${host}:${server.port}/p/${i}` }
  })
  for (let i = 0; i < rows.length; i += 2_000) await db.insert(urls).values(rows.slice(i, i + 2_000))

  const metrics = createProberMetrics(config.release, config.flags)
  const probe = {
    dispatcher,
    policy: allowAll,
    limiter: new HostLimiter(config.PROBE_PER_HOST_LIMIT),
    timeoutMs: config.PROBE_TIMEOUT_MS,
    maxRedirects: config.PROBE_MAX_REDIRECTS,
  }
  const workers = await startProberWorkers({
    config,
    db,
    connection: redis,
    logger: pino({ level: 'warn' }),
    metrics,
    probe,
    schedules: false,
  })

  const started = performance.now()
  await workers.linkQueue.add('sweep', { sweep: true })
  let done = 0
  while (done < N) {
    await new Promise((r) => setTimeout(r, 200))
    const [r] = await db.execute<{ n: number }>(sql`select count(*)::int as n from health_checks`)
    done = Number(r?.n ?? 0)
    if (performance.now() - started > 180_000) throw new Error(`gave up after 180 s with ${done}/${N} probes stored`)
  }
  const seconds = (performance.now() - started) / 1000
  const [statuses] = await db.execute<{ ok: number }>(
    sql`select count(*) filter (where health_status = 'OK')::int as ok from health_checks`,
  )
  const riskJobs = await workers.riskQueue.count()
  await workers.close()

  const stats = await hostStats()
  const perHost = Math.max(...Object.values(stats.maxInFlight))
  const limit = config.PROBE_PER_HOST_LIMIT
  console.log(`probed ${N} URLs on ${HOSTS + 1} hosts in ${seconds.toFixed(2)} s → ${(N / seconds).toFixed(0)} probes/s`)
  console.log(
    `  concurrency ${config.PROBE_CONCURRENCY} (default), per-host limit ${limit}; OK results ${statuses?.ok}/${N}; risk jobs enqueued ${riskJobs}`,
  )
  console.log(
    `  max in flight: any one host ${perHost} (hot.localtest ${stats.maxInFlight['hot.localtest']}), all hosts ${stats.maxTotal}; HTTP requests ${stats.requests}`,
  )
  const pass = seconds < 60 && perHost <= limit
  console.log(pass ? 'PASS: under 60 s and within the per-host limit' : 'FAIL')
  process.exitCode = pass ? 0 : 1
} finally {
  await dispatcher.close()
  redis.disconnect()
  await closeDb(db)
  await cleanRedisPrefix(prefix)
  await tdb.drop()
  hosts.send('stop')
}
