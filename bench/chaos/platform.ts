// The platform the chaos bench breaks: its OWN Postgres cluster and redis-server (temp dirs, free ports), the
// services from TypeScript source as `pnpm dev` runs them (each supervised: restarted with backoff when it dies),
// and a real nginx edge, all on free ports. The shared Postgres (5432) and Redis (6379) are never touched.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { nginxArgs, prepareNginx } from '../../infra/scripts/render-nginx.mjs'
import { type SupervisedEntry, supervise } from '../../infra/scripts/supervise.mjs'
import { importFromRedirect } from '../redirect/resolve.js'

type Testing = typeof import('@ghostlink/testing')
const { freePort, startThrowawayPostgres, startThrowawayRedis } = await importFromRedirect<Testing>('@ghostlink/testing')
export type ThrowawayPostgres = Awaited<ReturnType<Testing['startThrowawayPostgres']>>
export type ThrowawayRedis = Awaited<ReturnType<Testing['startThrowawayRedis']>>

export const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')

export type Service = { name: string; port: number; healthPath: string; entry: SupervisedEntry }

export type Platform = {
  pg: ThrowawayPostgres
  redis: ThrowawayRedis
  prefix: string
  edge: string
  services: Service[]
  service: (name: string) => Service
  /** true when every service answers its health path with < 500 (the edge included) */
  healthy: () => Promise<boolean>
  stop: () => Promise<void>
  logs: () => string
  /** nginx's error log (upstream failures, retries) */
  edgeErrors: () => string
}

const tsx = (file: string) => ['--conditions=development', '--import', 'tsx', file]

const answers = async (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(1_500) }).then(
    (r) => r.status < 500,
    () => false,
  )

export async function waitUntil(what: string, fn: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (await fn()) return true
    await new Promise((r) => setTimeout(r, 200))
  }
  console.warn(`[chaos] ${what}: not within ${ms} ms`)
  return false
}

export async function startPlatform(opts: { codes: string[]; log?: boolean }): Promise<Platform> {
  const dir = mkdtempSync(join(tmpdir(), 'gl-chaos-'))
  // compose's Redis settings (docker-compose.yml): AOF, fsync every second
  const [pg, redis] = await Promise.all([startThrowawayPostgres(), startThrowawayRedis({ appendfsync: 'everysec' })])
  const prefix = 'gl:'
  const ports = {
    edge: await freePort(),
    api: await freePort(),
    redirect1: await freePort(),
    redirect2: await freePort(),
    writer: await freePort(),
    prober: await freePort(),
    risk: await freePort(),
  }
  const base: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOST: '127.0.0.1',
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    APP_VERSION: 'chaos',
    QUARANTINE_MAP_FILE: join(dir, 'blocked_codes.conf'),
    ROLLBACK_STATE_FILE: join(dir, 'rollback_state.env'),
    NGINX_RELOAD_CMD: '',
    CANARY_BASE_URL: `http://127.0.0.1:${ports.edge}`,
    // the replicas hand clicks off to the stream; the click writer inserts them (as deployed)
    CLICK_CONSUMER: 'off',
    // canaries would add redirects the load did not send
    ENABLE_CANARY_MONITORING: 'false',
  }

  const migrate = spawnSync(process.execPath, tsx('packages/db/src/cli/migrate.ts'), { cwd: root, env: base, encoding: 'utf8' })
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`)
  const { createDb, closeDb, urls } = await importFromRedirect<typeof import('@ghostlink/db')>('@ghostlink/db')
  const db = createDb(pg.url, 1)
  await db.insert(urls).values(opts.codes.map((c, i) => ({ short_code: c, original_url: `https://example.com/landing/${i}` })))
  await closeDb(db)

  let out = ''
  let stopping = false
  const services: Service[] = []
  const add = (name: string, cmd: string, args: string[], env: Record<string, string>, port: number, healthPath = '/health') => {
    const entry = supervise({
      name,
      isStopping: () => stopping,
      log: (l) => {
        out += `[${name}] ${l}\n`
        if (opts.log) console.log(`[${name}] ${l}`)
      },
      baseMs: 250,
      maxMs: 4_000,
      healthyAfterMs: 10_000,
      spawnChild: () => {
        const child: ChildProcess = spawn(cmd, args, { cwd: root, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
        const keep = (d: Buffer) => {
          out = `${out}[${name}] ${d.toString()}`.slice(-200_000)
          if (opts.log) process.stdout.write(`[${name}] ${d.toString()}`)
        }
        child.stdout?.on('data', keep)
        child.stderr?.on('data', keep)
        return child
      },
    })
    services.push({ name, port, healthPath, entry })
  }
  const app = (name: string, file: string, env: Record<string, string>, port: number) =>
    add(name, process.execPath, tsx(file), env, port)

  app('api', 'apps/api/src/server.ts', { API_PORT: String(ports.api) }, ports.api)
  app('redirect-1', 'apps/redirect/src/server.ts', { REDIRECT_PORT: String(ports.redirect1) }, ports.redirect1)
  app('redirect-2', 'apps/redirect/src/server.ts', { REDIRECT_PORT: String(ports.redirect2) }, ports.redirect2)
  app('click-writer', 'apps/click-writer/src/server.ts', { CLICK_WRITER_PORT: String(ports.writer) }, ports.writer)
  app('prober', 'apps/prober/src/server.ts', { PROBER_PORT: String(ports.prober) }, ports.prober)
  app('risk', 'apps/risk/src/server.ts', { RISK_PORT: String(ports.risk) }, ports.risk)

  const nginx = prepareNginx(join(dir, 'nginx'), {
    NGINX_LISTEN: `127.0.0.1:${ports.edge}`,
    API_UPSTREAM: `127.0.0.1:${ports.api}`,
    REDIRECT_UPSTREAM_1: `127.0.0.1:${ports.redirect1}`,
    REDIRECT_UPSTREAM_2: `127.0.0.1:${ports.redirect2}`,
    QUARANTINE_MAP_FILE: base.QUARANTINE_MAP_FILE!,
    // the bench loads the edge from one address: rate limits must not be what fails
    RATE_LIMIT_REDIRECT: '1000000r/s',
    RATE_LIMIT_REDIRECT_BURST: '100000',
    RATE_LIMIT_API: '1000000r/s',
    RATE_LIMIT_API_BURST: '100000',
  })
  add('nginx', 'nginx', [...nginxArgs(nginx), '-g', 'daemon off;'], {}, ports.edge, '/edge-health')

  const healthy = async () => {
    const ok = await Promise.all(services.map((s) => answers(`http://127.0.0.1:${s.port}${s.healthPath}`)))
    return ok.every(Boolean)
  }
  const platform: Platform = {
    pg,
    redis,
    prefix,
    edge: `http://127.0.0.1:${ports.edge}`,
    services,
    service: (name) => {
      const s = services.find((x) => x.name === name)
      if (!s) throw new Error(`no service ${name}`)
      return s
    },
    healthy,
    logs: () => out,
    edgeErrors: () => {
      try {
        return readFileSync(nginx.vars.NGINX_ERROR_LOG, 'utf8')
      } catch {
        return ''
      }
    },
    stop: async () => {
      stopping = true
      for (const s of services) clearTimeout(s.entry.pendingRestart)
      await Promise.all(
        services.map(
          (s) =>
            new Promise<void>((done) => {
              const c = s.entry.child
              if (c.exitCode !== null || c.signalCode !== null) return done()
              c.once('exit', () => done())
              c.kill('SIGTERM')
              setTimeout(() => c.kill('SIGKILL'), 15_000).unref()
            }),
        ),
      )
      redis.destroy()
      pg.destroy()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  if (!(await waitUntil('platform start', healthy, 120_000))) {
    await platform.stop()
    throw new Error(`the platform did not start:\n${out.slice(-5_000)}`)
  }
  return platform
}
