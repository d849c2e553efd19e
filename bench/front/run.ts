// pnpm bench:front [--slice 10] [--reps 3] [--connections 100] [--codes 1000] [--warmup 5] [--diagnose] [--warm-in-one-second]
//   [--postgres platform|shared] [--cpu-groups compose|off] [--compose docker-compose.yml]
//   [--probe-nice 'nginx=0;writer=0,postgres=19']   (BENCH_KEEP=1 keeps nginx's logs; BENCH_WRK_TIMELINE=<file>: wrk
//   appends its completions per 10 ms and each slice's latency tail to it, codes.lua)
// The front door as the platform runs it, on this one box: nginx (the rendered template, one worker as compose runs it, the
// micro-cache on), two redirect replicas handing clicks off (CLICK_CONSUMER=off), the click writer (draining the
// stream and shipping the edge's click log) and Postgres, all built and started as production starts them. wrk
// loads, in alternating slices of one run: the bare fastify ceiling, the front door, and nginx's own `return 302`.
// Each front-door slice starts with one pass over the codes (the cache as steady traffic keeps it, not cold after the
// other slices); after it the pipeline drains (not part of any slice: its time is shown); at the end every
// 302 the front door answered must be one `redirect` event in Postgres. docs/CAPACITY.md, "Front door".
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { getPriority, setPriority, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { EDGE_WORKER_PRIORITY, nginxArgs, prepareNginx } from '@ghostlink/infra/render-nginx'
import { composeCpuLimit, createCpuGroups } from './cpu-groups.js'
import { type Child, cpuSeconds, PROXIED_HEADERS, root, startChild, stopChild, warm } from '../redirect/load.js'
import { freePort, createTestDatabase, cleanRedisPrefix, startThrowawayPostgres, TEST_REDIS_URL } from '@ghostlink/testing'
import { createDb, closeDb, urls } from '@ghostlink/db'
import { Redis } from 'ioredis'


const { values: args } = parseArgs({
  options: {
    slice: { type: 'string', default: '10' },
    reps: { type: 'string', default: '3' },
    connections: { type: 'string', default: '100' },
    codes: { type: 'string', default: '1000' },
    // diagnostic targets, never the verdict: the front door with the click writer stopped (SIGSTOP) during its slices,
    // so the box spends nothing on writing clicks until the slice ends (the click pipeline's share); with the writer
    // back at nice 0 for its slices, as before CLICK_WRITER_NICE; and with the edge's workers at nice 0, as before
    // NGINX_WORKER_PRIORITY (raising a priority needs root)
    diagnose: { type: 'boolean', default: false },
    'warm-in-one-second': { type: 'boolean', default: false },
    // more diagnostic targets: the front door with these parts' threads at these nice values for its slices
    // (parts: nginx, replicas, writer, postgres; ';' separates targets)
    'probe-nice': { type: 'string' },
    warmup: { type: 'string', default: '5' },
    // `platform`: a Postgres cluster of the bench's own, started with infra/postgres/postgresql.conf as compose runs
    // it (durable, its checkpoint and WAL settings); `shared`: the machine's server (TEST_PG_ADMIN_URL, 5432) as it is
    postgres: { type: 'string', default: 'platform' },
    // `compose`: every part in a CPU group of its own with its compose service's CPU limit, as containers run them
    // (cpu-groups.ts; needs root and the cgroup v1 cpu controller); `off`: the host's own grouping (autogroup)
    'cpu-groups': { type: 'string', default: 'compose' },
    // the compose file the CPU groups' limits come from (a changed copy measures a change before it is made)
    compose: { type: 'string', default: 'docker-compose.yml' },
  },
})
if (!['platform', 'shared'].includes(args.postgres)) throw new Error('--postgres is platform or shared')
if (!['compose', 'off'].includes(args['cpu-groups'])) throw new Error('--cpu-groups is compose or off')
const slice = Number(args.slice)
const reps = Number(args.reps)
const connections = Number(args.connections)
const codeCount = Number(args.codes)
const warmup = Number(args.warmup)
const codes = Array.from({ length: codeCount }, (_, i) => `b${i}`)
const GOAL = { ratio: 0.5, p99: 3 } // issue 12: ≥ 0.5× the ceiling's req/s, p99 ≤ 3× the ceiling's

if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed (apt-get install -y wrk)')

execFileSync('pnpm', ['turbo', 'run', 'build', '--filter=@ghostlink/redirect...', '--filter=@ghostlink/click-writer...', '--output-logs=errors-only'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
})

const dir = mkdtempSync(join(tmpdir(), 'gl-bench-front-'))
// the edge's temp dir (its micro-cache) in memory, as compose mounts it (a tmpfs); its logs stay on disk in `dir`
const cacheDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'gl-bench-front-cache-'))
chmodSync(cacheDir, 0o755)
const server = args.postgres === 'platform' ? await startThrowawayPostgres({ configFile: join(root, 'infra/postgres/postgresql.conf') }) : undefined
// the CPU groups, by compose service; the load generator and the bare ceiling get one each too, without a limit (a
// quota would throttle the ceiling's GC bursts and raise the p99 the goal is measured against), and the `return 302`
// nginx the edge's
const compose = resolve(root, args.compose)
const groupLimits = {
  edge: composeCpuLimit(compose, 'nginx'),
  'redirect-1': composeCpuLimit(compose, 'redirect-1'),
  'redirect-2': composeCpuLimit(compose, 'redirect-2'),
  'click-writer': composeCpuLimit(compose, 'click-writer'),
  postgres: composeCpuLimit(compose, 'postgres'),
  ceiling: {},
  limit: composeCpuLimit(compose, 'nginx'),
  load: {},
}
const groups = args['cpu-groups'] === 'compose' ? createCpuGroups(`gl-bench-front-${process.pid}`, groupLimits) : undefined
if (args['cpu-groups'] === 'compose' && !groups) console.log('CPU groups: cannot write the cgroup v1 cpu controller here; running without them')
// the whole cluster: the postmaster and the processes it started (its backends inherit the group)
if (groups && server) groups.add('postgres', server.pid(), true)
if (groups && !server) console.log('CPU groups: the machine’s Postgres (--postgres shared) stays outside them')
const tdb = await createTestDatabase(server?.url)
const db = createDb(tdb.url, 2)
const prefix = `glbench-front:${process.pid}:`
const redis = new Redis(TEST_REDIS_URL)
const children: Child[] = []
const nginxes: Array<{ args: string[] }> = []
let failed = false

try {
  await run()
} finally {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL')
  for (const n of nginxes) spawnSync('nginx', [...n.args, '-s', 'stop'])
  redis.disconnect()
  await closeDb(db)
  await cleanRedisPrefix(prefix)
  await tdb.drop()
  server?.destroy()
  // BENCH_KEEP=1 keeps the logs (nginx's access, error and click logs) for a look
  if (process.env.BENCH_KEEP) console.log(`kept ${dir}`)
  else rmSync(dir, { recursive: true, force: true })
  rmSync(cacheDir, { recursive: true, force: true })
  groups?.remove()
}
process.exit(failed ? 1 : 0)

async function run() {
  for (let i = 0; i < codes.length; i += 5000) {
    await db.insert(urls).values(codes.slice(i, i + 5000).map((c, j) => ({ short_code: c, original_url: `https://example.com/landing/${i + j}` })))
  }
  const env = { DATABASE_URL: tdb.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', APP_VERSION: 'bench' }
  // the replicas as compose runs them (heap caps, hand-off only)
  const replicaArgs = (process.env.BENCH_REPLICA_NODE_ARGS ?? '--max-old-space-size=96 --max-semi-space-size=4').split(' ').filter(Boolean)
  // the replicas refresh a changed code's entry at the edge (none changes here, but they run as deployed)
  const refreshPort = await freePort()
  const replicaEnv = { ...env, CLICK_CONSUMER: 'off', EDGE_REFRESH_URL: `http://127.0.0.1:${refreshPort}` }
  const r1 = await startChild('apps/redirect/dist/server.js', replicaEnv, replicaArgs)
  const r2 = await startChild('apps/redirect/dist/server.js', replicaEnv, replicaArgs)
  children.push(r1, r2)
  groups?.add('redirect-1', r1.proc.pid!)
  groups?.add('redirect-2', r2.proc.pid!)

  const edgePort = await freePort()
  const edge = prepareNginx(join(dir, 'edge'), {
    NGINX_LISTEN: `127.0.0.1:${edgePort}`,
    // as compose runs it: one worker, its service's CPU limit (BENCH_NGINX_WORKERS=auto: one per core)
    NGINX_WORKER_PROCESSES: process.env.BENCH_NGINX_WORKERS ?? '1',
    NGINX_REDIRECT_CACHE: 'redirect_cache',
    NGINX_REFRESH_LISTEN: `127.0.0.1:${refreshPort}`,
    // as compose runs the edge (CAP_SYS_NICE there); raising a priority needs root here
    NGINX_WORKER_PRIORITY: EDGE_WORKER_PRIORITY,
    NGINX_TEMP_DIR: cacheDir,
    API_UPSTREAM: `127.0.0.1:${await freePort()}`, // not started: the bench loads the redirect path only
    REDIRECT_UPSTREAM_1: r1.base.replace('http://', ''),
    REDIRECT_UPSTREAM_2: r2.base.replace('http://', ''),
    // one client address sends everything here: the per-IP limit is lifted (its check still runs)
    RATE_LIMIT_REDIRECT: '100000000r/s',
    RATE_LIMIT_REDIRECT_BURST: '1000000',
  })
  startNginx(nginxArgs(edge))
  groups?.add('edge', nginxMaster(edge.vars.NGINX_PID_FILE), true)
  const writer = await startChild('apps/click-writer/dist/server.js', { ...env, EDGE_CLICK_LOG: edge.vars.NGINX_EDGE_CLICK_LOG })
  children.push(writer)
  groups?.add('click-writer', writer.proc.pid!)
  const front = `http://127.0.0.1:${edgePort}`

  // nginx's own limit: the same build, `return 302` and nothing else
  const limitPort = await freePort()
  const limitDir = join(dir, 'limit')
  const limitConf = join(dir, 'limit.conf')
  spawnSync('mkdir', ['-p', join(limitDir, 'logs')])
  writeFileSync(
    limitConf,
    `worker_processes auto; pid ${limitDir}/nginx.pid; error_log ${limitDir}/logs/error.log warn;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path ${limitDir}/cb; proxy_temp_path ${limitDir}/p; fastcgi_temp_path ${limitDir}/f;
  uwsgi_temp_path ${limitDir}/u; scgi_temp_path ${limitDir}/s;
  server { listen 127.0.0.1:${limitPort}; location / { return 302 https://example.com/landing; } location = /ready { return 200; } } }
`,
  )
  startNginx(['-p', limitDir, '-c', limitConf, '-e', `${limitDir}/logs/error.log`])
  groups?.add('limit', nginxMaster(`${limitDir}/nginx.pid`), true)
  const limit = `http://127.0.0.1:${limitPort}`

  const ceiling = await startChild('bench/redirect/ceiling-server.ts', { BENCH_CODES: String(codeCount) })
  children.push(ceiling)
  groups?.add('ceiling', ceiling.proc.pid!)
  await waitReady(`${front}/edge-health`)
  await waitReady(`${limit}/ready`)
  // nginx keeps a cached entry's validity in whole seconds (NGINX_REDIRECT_CACHE_SECONDS, v), so a code filled in
  // second s expires at the tick s + v + 1 and, under steady traffic, is refreshed right after it, every v + 1 ticks
  // from then on (docs/decisions/2026-11-27-click-writer-priority.md). Codes first seen at random moments fall on every
  // tick; a pass over every code within one second puts them all on one and makes one storm of refreshes of them all.
  // So the pass is spread over v seconds (--warm-in-one-second: the old single pass).
  const validity = Number(edge.vars.NGINX_REDIRECT_CACHE_SECONDS)
  const warmFront = async (base: string) => {
    if (args['warm-in-one-second']) return warm(base, codes)
    // one share of the codes per second of the entries' validity: under steady traffic a code's refresh falls on the
    // tick after the second its entry was filled, and codes first seen at random moments spread over every tick
    const share = Math.ceil(codes.length / validity)
    let n = 0
    for (let i = 0; i < codes.length; i += share) {
      if (i > 0) await new Promise((r) => setTimeout(r, 1_050 - (Date.now() % 1_000)))
      n += await warm(base, codes.slice(i, i + share))
    }
    return n
  }
  let warmed = await warmFront(front)
  await warm(ceiling.base, codes)

  const vacuums = async () =>
    Number(
      (
        await db.$client`select coalesce(sum(autovacuum_count + autoanalyze_count), 0) as n from pg_stat_user_tables
          where relname in ('events', 'request_fingerprints')`
      )[0]!.n,
    )
  // checkpoints and WAL of the whole server (the bench's own cluster sees only the bench)
  const walState = async () => {
    const [row] = await db.$client<{ checkpoints: string; bytes: string }[]>`
      select (select checkpoints_timed + checkpoints_req from pg_stat_bgwriter) as checkpoints, (select wal_bytes from pg_stat_wal) as bytes`
    return { checkpoints: Number(row!.checkpoints), bytes: Number(row!.bytes) }
  }
  const pgPids = async () => (await db.$client`select pid from pg_stat_activity where datname = current_database()`).map((r) => Number(r.pid))
  // the front door's CPU by part: the edge, the replicas, the click writer (and shipper), Postgres (its backends)
  const frontPids = async (): Promise<Record<string, number[]>> => ({
    nginx: nginxWorkers(edge.vars.NGINX_PID_FILE),
    replicas: [r1.proc.pid!, r2.proc.pid!],
    writer: [writer.proc.pid!],
    postgres: await pgPids(),
  })
  type Target = {
    name: string
    base: string
    pids: () => Promise<Record<string, number[]>>
    front?: boolean
    writerStopped?: boolean
    /** niceness per part for the slice (every thread of its processes), restored after */
    nice?: Record<string, number>
  }
  const targets: Target[] = [
    { name: 'ceiling', base: ceiling.base, pids: async () => ({ fastify: [ceiling.proc.pid!] }) },
    { name: 'front', base: front, pids: frontPids, front: true },
    ...(args.diagnose
      ? [
          { name: 'no-writer', base: front, pids: frontPids, front: true, writerStopped: true },
          { name: 'nice-0', base: front, pids: frontPids, front: true, nice: { writer: 0 } },
          { name: 'edge-0', base: front, pids: frontPids, front: true, nice: { nginx: 0 } },
        ]
      : []),
    ...(args['probe-nice'] ?? '').split(';').filter(Boolean).map((p) => ({ name: p, base: front, pids: frontPids, front: true, nice: Object.fromEntries(p.split(',').map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])])) })),
    { name: 'limit', base: limit, pids: async () => ({ nginx: nginxWorkers(`${limitDir}/nginx.pid`) }) },
  ]
  type Slice = { rps: number; p50: number; p99: number; requests: number; errors: number; cpuUs: number; parts: Record<string, number>; drain?: number }
  const results = new Map<string, Slice[]>(targets.map((t) => [t.name, []]))
  // every part where it should be (a process that left its group, or a backend started outside it, voids the figures)
  if (groups) {
    const parts = await frontPids()
    const expected: Array<[string, number]> = [
      ...parts.nginx!.map((p) => ['edge', p] as [string, number]),
      ['redirect-1', r1.proc.pid!],
      ['redirect-2', r2.proc.pid!],
      ['click-writer', writer.proc.pid!],
      ['ceiling', ceiling.proc.pid!],
      ...(server ? parts.postgres!.map((p) => ['postgres', p] as [string, number]) : []),
    ]
    const misplaced = expected.filter(([g, p]) => !groups.contains(g, p))
    if (misplaced.length > 0) throw new Error(`not in their CPU groups: ${JSON.stringify(misplaced)}`)
  }
  // seconds a group's CPU limit held it back during a slice (a part at its compose limit)
  const throttledGroups = Object.keys(groupLimits).filter((g) => g !== 'limit') // the `return 302` nginx is not reported
  const throttled = () => Object.fromEntries(throttledGroups.map((g) => [g, groups?.throttledSeconds(g) ?? 0]))
  // An unmeasured slice per target first (--warmup s): the processes are fresh, and their first seconds under load run
  // code V8 has not optimised yet (the replicas, which see ~3 % of the requests, used twice the CPU per request in the
  // first front-door slice of every run as in the later ones). A long-running platform is past that.
  if (warmup > 0) {
    for (const t of targets.filter((t) => !t.writerStopped && t.nice === undefined)) {
      if (t.front) warmed += await warmFront(t.base)
      const r = wrk(t.base, warmup)
      if (t.front) await drained(edge.vars.NGINX_EDGE_CLICK_LOG)
      console.log(`warm-up ${t.name.padEnd(8)} ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${r.p99.toFixed(1)} ms (not counted)`)
    }
  }
  for (let rep = 0; rep < reps; rep++) {
    for (const t of targets) {
      // the edge's cache forgets a code 10 s after its last request (proxy_cache_path inactive=10s), and the other
      // targets' slices last longer than that: one pass over the codes first, so that each front-door slice measures
      // the cache under steady traffic, not the fill of a cold one (its 302s are counted with the others)
      if (t.front) warmed += await warmFront(t.base)
      const pids = await t.pids()
      const vacuums0 = t.front ? await vacuums() : 0
      const wal0 = await walState()
      const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, v]) => [k, sumCpu(v)]))
      const throttled0 = throttled()
      if (t.writerStopped) writer.proc.kill('SIGSTOP')
      const reniced = Object.entries(t.nice ?? {}).flatMap(([part, n]) => (pids[part] ?? []).flatMap(threadsOf).map((tid) => [tid, getPriority(tid), n] as const))
      for (const [tid, , n] of reniced) trySetPriority(tid, n)
      let r: ReturnType<typeof wrk>
      try {
        r = wrk(t.base)
      } finally {
        if (t.writerStopped) writer.proc.kill('SIGCONT')
        for (const [tid, was] of reniced) trySetPriority(tid, was)
      }
      // µs of CPU per request answered in the slice, by part (the writer's and Postgres's share of the slice only)
      const parts = Object.fromEntries(Object.entries(pids).map(([k, v]) => [k, ((sumCpu(v) - cpu0[k]!) * 1e6) / r.requests]))
      const cpuUs = Object.values(parts).reduce((a, b) => a + b, 0)
      let drain: number | undefined
      if (t.front) {
        // the pipeline catches up before the next slice, so the backlog does not slow the others' slices
        const t0 = performance.now()
        await drained(edge.vars.NGINX_EDGE_CLICK_LOG)
        drain = (performance.now() - t0) / 1000
      }
      // autovacuum and autoanalyze runs on the click tables during the slice and its drain: a young table is vacuumed
      // at every 20 % of growth (autovacuum_vacuum_insert_scale_factor), which a long-lived one rarely meets
      const vacuumed = t.front ? (await vacuums()) - vacuums0 : undefined
      // checkpoints of the whole server during the slice (and a front slice's drain): a checkpoint writes the dirty
      // buffers, and the first change to each page after it puts the whole page in the WAL
      const wal = await walState()
      const checkpointed = wal.checkpoints - wal0.checkpoints
      const walPerRequest = (wal.bytes - wal0.bytes) / r.requests
      const throttledNow = throttled()
      const held = throttledGroups.filter((g) => throttledNow[g]! - throttled0[g]! >= 0.01).map((g) => `${g} ${(throttledNow[g]! - throttled0[g]!).toFixed(2)} s`)
      const s = { ...r, cpuUs, parts, drain }
      results.get(t.name)!.push(s)
      console.log(
        `rep ${rep + 1} ${t.name.padEnd(8).slice(0, 24)} ${s.rps.toFixed(0).padStart(7)} req/s  p50 ${s.p50.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms  ${s.cpuUs.toFixed(1)} µs CPU/req (${Object.entries(parts).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')})${drain === undefined ? '' : `  drain ${drain.toFixed(1)} s`}${vacuumed === undefined ? '' : `  autovacuum/analyze runs ${vacuumed}`}  checkpoints ${checkpointed}${t.front ? `  WAL ${walPerRequest.toFixed(0)} B/req` : ''}${held.length > 0 ? `  throttled: ${held.join(', ')}` : ''}${s.errors ? `  ERRORS ${s.errors}` : ''}`,
      )
    }
  }

  // the end: in-flight answers finish, the access log's buffer (flushed every second) reaches the file, then every
  // click must be in Postgres
  await new Promise((r) => setTimeout(r, 2_000))
  await drained(edge.vars.NGINX_EDGE_CLICK_LOG)
  const served = await countServed302(edge.vars.NGINX_ACCESS_LOG)
  const recorded = Number((await db.$client`select count(*) as n from events where event_type = 'redirect'`)[0]!.n)
  const byReplicas = (await served302(r1.base)) + (await served302(r2.base))
  const hits = await countLines(edge.vars.NGINX_EDGE_CLICK_LOG)
  for (const r of [r1, r2]) {
    const text = await (await fetch(`${r.base}/metrics`)).text()
    console.log(`replica lookups ${r.base}: ${text.split('\n').filter((l) => /^redirect_(cache|db)_lookups_total|^redirect_latency_seconds_(sum|count)/.test(l)).join('; ')}`)
  }
  await Promise.all([stopChild(r1), stopChild(r2)])
  await stopChild(writer)

  const agg = (name: string) => {
    const xs = results.get(name)!
    const requests = xs.reduce((n, s) => n + s.requests, 0)
    return {
      rps: xs.reduce((n, s) => n + s.rps, 0) / xs.length,
      p50: Math.max(...xs.map((s) => s.p50)),
      p99: Math.max(...xs.map((s) => s.p99)),
      cpuUs: xs.reduce((n, s) => n + s.cpuUs * s.requests, 0) / requests,
      parts: Object.fromEntries(Object.keys(xs[0]!.parts).map((k) => [k, xs.reduce((n, s) => n + s.parts[k]! * s.requests, 0) / requests])),
      errors: xs.reduce((n, s) => n + s.errors, 0),
      drain: xs.some((s) => s.drain !== undefined) ? xs.reduce((n, s) => n + (s.drain ?? 0), 0) / xs.length : undefined,
      requests,
    }
  }
  const [c, f, l] = [agg('ceiling'), agg('front'), agg('limit')]
  const ratio = f.rps / c.rps
  const p99x = f.p99 / c.p99
  const clicksOk = recorded === served && served === byReplicas + hits && served >= warmed + f.requests
  const pass = ratio >= GOAL.ratio && p99x <= GOAL.p99 && clicksOk && f.errors === 0
  failed = !pass
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  console.log(`\nfront-door bench: wrk 1 thread, ${connections} connections, ${codeCount} codes, browser User-Agent; ${reps} × ${slice} s slices per target, alternating; Postgres: ${args.postgres === 'platform' ? 'its own cluster with infra/postgres/postgresql.conf' : 'the shared server'}; CPU groups: ${groups ? `one per service, the limits of ${args.compose}` : 'none (the host’s)'}; load average at the end ${load}\n`)
  console.log(['target'.padEnd(44), 'req/s'.padStart(8), 'p50 ms'.padStart(7), 'p99 ms'.padStart(7), 'vs ceiling'.padStart(11), 'µs CPU/req'.padStart(11)].join(' '))
  const row = (label: string, r: ReturnType<typeof agg>) =>
    console.log([label.padEnd(44), r.rps.toFixed(0).padStart(8), r.p50.toFixed(1).padStart(7), r.p99.toFixed(1).padStart(7), `${((r.rps / c.rps) * 100).toFixed(0)}%`.padStart(11), r.cpuUs.toFixed(1).padStart(11)].join(' '))
  row('nginx `return 302` (the edge’s own limit)', l)
  row('bare fastify 302 from a Map (the ceiling)', c)
  row('GhostLink through the front door', f)
  if (args.diagnose) {
    row('(diagnostic) the same, click writer stopped', agg('no-writer'))
    row('(diagnostic) the same, click writer at nice 0', agg('nice-0'))
    row('(diagnostic) the same, edge workers at nice 0', agg('edge-0'))
  }
  for (const p of (args['probe-nice'] ?? '').split(';').filter(Boolean)) row(`(probe) ${p}`, agg(p))
  // beside the verdict (the worst slices of each), the same ratio rep by rep: one noisy slice moves the verdict
  const perRep = results.get('front')!.map((s, i) => s.p99 / results.get('ceiling')![i]!.p99).sort((a, b) => a - b)
  console.log(`\nfront door p99 ÷ the ceiling's, rep by rep: ${perRep.map((x) => `${x.toFixed(1)}×`).join(', ')}`)
  console.log(`front door µs CPU per request by part: ${Object.entries(f.parts).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`)
  console.log(
    `front door: ${(ratio * 100).toFixed(0)}% of the ceiling's req/s (goal ≥ ${GOAL.ratio * 100}%), p99 ${p99x.toFixed(1)}× the ceiling's (goal ≤ ${GOAL.p99}×); ` +
      `after each slice the pipeline took ${f.drain?.toFixed(1)} s on average to drain`,
  )
  console.log(
    `clicks: ${served} 302s in the front door's access log; ${recorded} redirect events in Postgres; ` +
      `${byReplicas} answered by the replicas + ${hits} from the edge cache (${((hits / served) * 100).toFixed(1)}%) — ${clicksOk ? 'all recorded once' : 'MISMATCH'}`,
  )
  console.log(`${pass ? 'PASS' : 'FAIL'}`)
  console.log(`\n${JSON.stringify({ bench: 'front', slice, reps, connections, codes: codeCount, postgres: args.postgres, cpuGroups: groups ? 'compose' : 'off', load, ceiling: c, front: f, limit: l, ratio, p99x, served, recorded, byReplicas, hits, pass })}`)
}

function startNginx(a: string[]) {
  const t = spawnSync('nginx', ['-t', '-q', ...a], { encoding: 'utf8' })
  if (t.status !== 0) throw new Error(`nginx -t: ${t.stderr}`)
  const s = spawnSync('nginx', a, { encoding: 'utf8' })
  if (s.status !== 0) throw new Error(`nginx: ${s.stderr}`)
  nginxes.push({ args: a })
}

/** A thread may have ended since it was listed (libuv's pool, a Postgres backend): nothing to restore then. */
function trySetPriority(tid: number, nice: number) {
  try {
    setPriority(tid, nice)
  } catch (err) {
    if (existsSync(`/proc/${tid}`)) throw err
  }
}

/** A process's threads (Linux keeps a nice value per thread). */
function threadsOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map(Number)
}

function nginxMaster(pidFile: string): number {
  return Number(readFileSync(pidFile, 'utf8').trim())
}

/** The worker processes of an nginx master (their CPU is the edge's). */
function nginxWorkers(pidFile: string): number[] {
  const master = nginxMaster(pidFile)
  return readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
}

function sumCpu(pids: number[]): number {
  return pids.reduce((n, p) => n + (existsSync(`/proc/${p}`) ? cpuSeconds(p) : 0), 0)
}

async function waitReady(url: string) {
  for (let i = 0; i < 100; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} did not answer`)
}

function wrk(base: string, seconds = slice) {
  const wrkArgs = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', join(root, 'bench/front/codes.lua'), base]
  const [cmd, cmdArgs] = groups ? groups.wrap('load', 'wrk', wrkArgs) : ['wrk', wrkArgs]
  const out = execFileSync(cmd, cmdArgs, {
    encoding: 'utf8',
    env: { ...process.env, BENCH_CODES: String(codeCount), BENCH_UA: PROXIED_HEADERS['user-agent'], BENCH_REFERER: PROXIED_HEADERS.referer },
  })
  const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '))
  if (!line) throw new Error(`wrk printed no summary:\n${out}`)
  const j = JSON.parse(line.slice(9)) as Record<string, number>
  return {
    rps: j.requests! / (j.duration_us! / 1e6),
    p50: j.p50_us! / 1000,
    p99: j.p99_us! / 1000,
    requests: j.requests!,
    errors: j.status_errors! + j.connect! + j.read! + j.write! + j.timeout!,
  }
}

/** Until the shipper has read the whole edge click log and the writers have emptied the stream (at most 3 min). */
async function drained(clickLog: string): Promise<void> {
  const stream = `${prefix}clicks`
  await new Promise((r) => setTimeout(r, 1_000)) // nginx flushes the click log's buffer every 500 ms
  for (let i = 0; i < 1800; i++) {
    const size = existsSync(clickLog) ? statSync(clickLog).size : 0
    const state = existsSync(`${clickLog}.offset`) ? (JSON.parse(readFileSync(`${clickLog}.offset`, 'utf8')) as { offset: number; pending?: unknown }) : undefined
    const shipped = size === 0 || (state !== undefined && state.offset === size && state.pending === undefined)
    if (shipped && (await redis.xlen(stream)) === 0) {
      // the stream is empty once the writer acked: its last insert committed before that
      return
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('the click pipeline did not drain in 3 minutes')
}

/** 302s in the front door's JSON access log (redirect paths only). */
async function countServed302(accessLog: string): Promise<number> {
  let n = 0
  for await (const line of createInterface({ input: createReadStream(accessLog) })) {
    if (line.includes('"status":302,') && line.includes('"request":"GET /b')) n++
  }
  return n
}

async function countLines(file: string): Promise<number> {
  if (!existsSync(file)) return 0
  let n = 0
  for await (const _ of createInterface({ input: createReadStream(file) })) n++
  return n
}

/** A replica's own count of 302 answers (url_redirects_total{status="302"}). */
async function served302(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text()
  return Number(text.match(/url_redirects_total\{[^}]*status="302"[^}]*\} (\d+)/)?.[1] ?? Number.NaN)
}
