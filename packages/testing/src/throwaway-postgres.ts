import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { freePort } from './free-port.js'

export type ThrowawayPostgres = {
  /** connection URL of database `postgres` (trust auth, user postgres) */
  url: string
  port: number
  /** the postmaster's pid (from its postmaster.pid) while the server runs */
  pid: () => number
  start: () => Promise<void>
  /** `pg_ctl stop -m immediate`: no checkpoint, like a crash; committed data survives (WAL) */
  stop: () => void
  destroy: () => void
}

function pgBin(name: string): string {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : []
  for (const v of versions) {
    const p = join(root, v, 'bin', name)
    if (existsSync(p)) return p
  }
  return name // on PATH (e.g. a Homebrew or CI install)
}

/** initdb refuses to run as root: run the server tools as the `postgres` user then, as a packaged install does. */
const asServerUser = (cmd: string, args: string[]) =>
  process.getuid?.() === 0 ? (['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const) : ([cmd, args] as const)

function run(cmd: string, args: string[]) {
  const [c, a] = asServerUser(cmd, args)
  execFileSync(c, [...a], { stdio: 'ignore', timeout: 60_000 })
}

/** A copy in the cluster's own dir: the server's user (postgres, under root) may not reach the caller's checkout. */
function copyInto(dir: string, configFile: string): string {
  const copy = join(dir, 'postgresql.conf')
  copyFileSync(configFile, copy)
  return copy
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const sql = postgres(url, { max: 1, connect_timeout: 1, onnotice: () => {} })
    try {
      await sql`select 1`
      return
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    } finally {
      await sql.end({ timeout: 1 })
    }
  }
  throw new Error(`throwaway postgres at ${url} did not answer`)
}

export type ThrowawayPostgresOptions = {
  /**
   * Run with this postgresql.conf (`config_file`) instead of the test settings, durable (fsync and full-page writes
   * on) as the platform runs it: infra/postgres/postgresql.conf for the front-door bench. The port, socket and
   * listen address still come from here.
   */
  configFile?: string
}

/**
 * A private Postgres cluster (initdb + pg_ctl) in a temp dir on a free port, with trust auth and, unless `configFile`
 * is given, fsync off (test data only). For outage tests, the chaos bench and the front-door bench: the shared
 * Postgres on 5432 is never stopped or reconfigured.
 */
export async function startThrowawayPostgres(options: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'gl-pg-'))
  const data = join(dir, 'data')
  if (process.getuid?.() === 0) {
    chmodSync(dir, 0o755)
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0)
  }
  run(pgBin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'])
  const settings = options.configFile ? `-c config_file=${copyInto(dir, options.configFile)}` : '-c fsync=off -c full_page_writes=off -c max_connections=200'
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${settings}`
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const start = async () => {
    run(pgBin('pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', 'start'])
    await waitReady(url)
  }
  const stop = () => {
    try {
      run(pgBin('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'])
    } catch {
      // already stopped
    }
  }
  await start()
  return {
    url,
    port,
    pid: () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    start,
    stop,
    destroy: () => {
      stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
