import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { importFromRedirect } from './resolve.js'

export const root = fileURLToPath(new URL('../..', import.meta.url))

type AutocannonResult = {
  requests: { average: number; total: number }
  latency: { p50: number; p99: number; average: number }
  '3xx': number
  non2xx: number
  errors: number
  timeouts: number
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>
const autocannon = (await importFromRedirect<{ default: Autocannon }>('autocannon')).default
export const { freePort } = await importFromRedirect<typeof import('@ghostlink/testing')>('@ghostlink/testing')

export type LoadResult = { rps: number; p50: number; p99: number; redirects: number; total: number; errors: number }

/** Loads `base` with autocannon; every connection requests the codes round-robin. */
/** What a browser behind the Nginx edge sends: the edge's X-Forwarded-For (the peer is loopback, a trusted proxy). */
export const PROXIED_HEADERS = {
  'x-forwarded-for': '198.51.100.7',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  referer: 'https://news.example.com/2026/11/some-article',
}

export async function load(
  base: string,
  codes: string[],
  opts: { duration?: number; amount?: number; connections: number; headers?: Record<string, string>; query?: string },
): Promise<LoadResult> {
  // each connection cycles through the codes; static request definitions let autocannon build every request once,
  // so the load generator, which shares the machine's cores with the server under test, costs as little as it can
  const res = await autocannon({
    url: base,
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration }),
    requests: codes.map((c) => ({ method: 'GET', path: `/${c}${opts.query ?? ''}`, headers: opts.headers })),
  })
  return {
    rps: res.requests.average,
    p50: res.latency.p50,
    p99: res.latency.p99,
    redirects: res['3xx'],
    total: res.requests.total,
    errors: res.errors + res.timeouts,
  }
}


export type Child = { proc: ChildProcess; base: string; exited: Promise<number | null> }

/**
 * Runs an entry point in its own process (so autocannon does not share its event loop): a built `.js` file with
 * plain node, as production runs it, or a `.ts` file through tsx. `nice` lowers the process's CPU priority.
 */
export async function startChild(entry: string, env: Record<string, string>, nodeArgs: string[] = [], nice = 0): Promise<Child> {
  const port = await freePort()
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the servers under test
  const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const loader = entry.endsWith('.ts') ? ['--conditions=development', '--import', 'tsx'] : []
  const argv = [...extra, ...nodeArgs, ...loader, entry]
  const [cmd, args] = nice > 0 ? ['nice', ['-n', String(nice), process.execPath, ...argv]] : [process.execPath, argv]
  const proc = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), REDIRECT_PORT: String(port), CLICK_WRITER_PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)))
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    if (i > 300) throw new Error(`${entry} did not start`)
    try {
      if ((await fetch(`${base}/ready`)).ok) break
    } catch {}
    await new Promise((r) => setTimeout(r, 100))
  }
  return { proc, base, exited }
}

/** SIGTERM and wait for a graceful exit. */
export async function stopChild(child: Child): Promise<number | null> {
  child.proc.kill('SIGTERM')
  return child.exited
}

/** Resident set size of a process in MB (current and peak), from /proc. */
export function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0)
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}

/** Requests every code once (fills the caches) and returns how many answered 302. */
export async function warm(base: string, codes: string[], concurrency = 32): Promise<number> {
  let redirects = 0
  for (let i = 0; i < codes.length; i += concurrency) {
    const res = await Promise.all(codes.slice(i, i + concurrency).map((c) => fetch(`${base}/${c}`, { redirect: 'manual' })))
    for (const r of res) {
      await r.arrayBuffer()
      if (r.status === 302) redirects++
    }
  }
  return redirects
}

/**
 * CPU time (user + system) a process has used, in seconds, from /proc. Divided by the requests served it gives the
 * CPU cost per request: steadier than req/s on a machine whose cores the load generator shares.
 */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  // after "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based) → indexes 11 and 12 here
  return (Number(fields[11]) + Number(fields[12])) / 100 // clock ticks (USER_HZ 100 on Linux)
}
