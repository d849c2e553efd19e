// pnpm bench:startup [--runs 5] [--against /path/to/another/checkout]
// `pnpm start`'s time to the first answer (issue 11: within 5 s), on a first start in a fresh GHOSTLINK_DATA_DIR and
// on a restart of it after SIGTERM: node started with the root package.json's `start` arguments (the pnpm CLI's own
// start is not counted), GET /health polled every 20 ms. Beside the wall time, the phases and CPU the process logged
// (`startup`, `startupCpu`) and the load average: on a shared machine the CPU is the figure to compare.
// `--against DIR` alternates with another checkout (installed: `pnpm install`), run for run, for an A/B in one session.
// Figures: docs/CAPACITY.md#one-process-mode, docs/decisions/2026-11-27-embedded-postgres.md ("Start-up").
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort } from '@ghostlink/testing'

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' }, against: { type: 'string' } } })
const here = fileURLToPath(new URL('../../', import.meta.url))
const checkouts = [{ name: 'this', dir: here }, ...(args.against ? [{ name: 'against', dir: resolve(args.against) }] : [])]

type Start = { first: number; startup?: Record<string, number>; startupCpuMs?: number; startupCpu?: Record<string, number>; files?: string; load: number }

async function start(repo: string, dataDir: string): Promise<Start> {
  const scripts = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).scripts as Record<string, string>
  const [bin, ...argv] = scripts.start!.split(' ')
  if (bin !== 'node') throw new Error(`start is not a node command: ${scripts.start}`)
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^(DATABASE_|REDIS_URL$|GHOSTLINK_|AUTH_MODE$)/.test(k)) env[k] = v
  const port = await freePort()
  const load = loadavg()[0]!
  const started = performance.now()
  const child = spawn(process.execPath, argv, {
    cwd: repo,
    env: { ...env, HOST: '127.0.0.1', PORT: String(port), GHOSTLINK_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  let first = 0
  while (!first) {
    if (child.exitCode !== null) throw new Error(`pnpm start exited\n${out}`)
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) })).status === 200) first = performance.now() - started
    } catch {}
    if (!first) await new Promise((r) => setTimeout(r, 20))
  }
  await new Promise((r) => setTimeout(r, 300)) // the start line is logged right after listen
  child.kill('SIGTERM')
  await exited
  if (!out.includes('the database was closed cleanly')) throw new Error(`not stopped cleanly\n${out}`)
  const line = out.split('\n').find((l) => l.includes('"startup"'))
  const { startup, startupCpu, startupCpuMs } = line ? (JSON.parse(line) as Omit<Start, 'first' | 'load' | 'files'>) : ({} as Partial<Start>)
  return { first: Math.round(first), startup, startupCpu, startupCpuMs, files: /"databaseFiles":"(\w+)"/.exec(out)?.[1], load: Number(load.toFixed(2)) }
}

const rows: (Start & { checkout: string; kind: string })[] = []
for (let run = 0; run < Number(args.runs); run++) {
  for (const { name, dir } of checkouts) {
    const base = mkdtempSync(join(tmpdir(), 'gl-bench-startup-'))
    try {
      for (const kind of ['first start', 'restart']) {
        const row = { checkout: name, kind, ...(await start(dir, join(base, '.ghostlink'))) }
        rows.push(row)
        console.log(JSON.stringify(row))
      }
    } finally {
      rmSync(base, { recursive: true, force: true })
    }
  }
}

const range = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return `${s[0]}–${s.at(-1)} (median ${s[Math.floor(s.length / 2)]})`
}
console.log('\n| checkout | start | first answer ms | CPU ms | load average |\n|---|---|---|---|---|')
for (const { name } of checkouts) {
  for (const kind of ['first start', 'restart']) {
    const r = rows.filter((x) => x.checkout === name && x.kind === kind)
    console.log(`| ${name} | ${kind} | ${range(r.map((x) => x.first))} | ${range(r.map((x) => x.startupCpuMs ?? 0))} | ${range(r.map((x) => x.load))} |`)
  }
}
