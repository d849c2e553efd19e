#!/usr/bin/env node
// Local platform without Docker (`pnpm dev`): migrate, then the API, two redirect replicas, the click writer, the
// web dashboard, the prober and risk workers from TypeScript source, and a real nginx edge in front of them when nginx is installed.
// As compose runs them: the replicas hand clicks off (CLICK_CONSUMER=off) and the click writer inserts them; with
// nginx, its micro-cache answers hot codes and the click writer ships the edge's click log (EDGE_CLICK_LOG).
// Output is prefixed per process; a process that dies is restarted with backoff (supervise.mjs); Ctrl-C / SIGTERM
// stops everything.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { devNginxVars, nginxArgs, prepareNginx } from './render-nginx.mjs'
import { isDown, supervise } from './supervise.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const env = process.env
const port = (name, fallback) => Number(env[name] || fallback)
const ports = {
  edge: port('EDGE_PORT', 8080),
  api: port('API_PORT', 8081),
  redirect1: port('REDIRECT_PORT', 8082),
  redirect2: port('REDIRECT_PORT_2', port('REDIRECT_PORT', 8082) + 1),
  clickWriter: port('CLICK_WRITER_PORT', 9103),
  prober: port('PROBER_PORT', 9101),
  risk: port('RISK_PORT', 9102),
  web: port('WEB_PORT', 8084),
  // the edge's internal refresh server (docs/decisions/2026-11-28-edge-refresh-and-priority.md)
  edgeRefresh: port('EDGE_REFRESH_PORT', 8079),
}
const skipMigrate = process.argv.includes('--no-migrate')

// local defaults; anything already in the environment wins
const base = {
  HOST: '127.0.0.1',
  ROLLBACK_STATE_FILE: resolve(root, 'infra/state/rollback_state.env'),
  QUARANTINE_MAP_FILE: resolve(root, env.QUARANTINE_MAP_FILE || 'infra/nginx/generated/blocked_codes.conf'),
  CANARY_BASE_URL: `http://127.0.0.1:${ports.edge}`,
  // management routes need an API key, as in production (docs/SECURITY.md)
  AUTH_MODE: 'token',
  ...env,
}
if (base.AUTH_MODE === 'token' && !base.GHOSTLINK_ADMIN_KEY) {
  console.log('[dev] AUTH_MODE=token: get an admin key with `pnpm keys create --admin` (or set GHOSTLINK_ADMIN_KEY)')
}

const colors = [36, 35, 33, 32, 34, 31, 90]
const children = []
let stopping = false

function start(name, cmd, args, extraEnv = {}) {
  const color = colors[children.length % colors.length]
  const tag = `\x1b[${color}m[${name}]\x1b[0m`
  const entry = supervise({
    name,
    isStopping: () => stopping,
    log: (line) => console.log(`${tag} ${line}`),
    spawnChild: () => {
      const child = spawn(cmd, args, { cwd: root, env: { ...base, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
      for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (l) => console.log(`${tag} ${l}`))
      return child
    },
    onFinalExit: () => {
      if (children.every(isDown)) process.exit(0)
    },
  })
  children.push(entry)
  return entry
}

function stop(signal) {
  if (stopping) return
  stopping = true
  console.log(`\n[dev] ${signal}: stopping ${children.length} processes`)
  for (const entry of children) {
    clearTimeout(entry.pendingRestart)
    entry.pendingRestart = undefined
  }
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM')
  if (children.every(isDown)) process.exit(0)
  setTimeout(() => {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL')
    process.exit(0)
  }, 20_000).unref()
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))

if (!skipMigrate) {
  console.log('[dev] pnpm migrate')
  const m = spawnSync('pnpm', ['migrate'], { cwd: root, env: base, stdio: 'inherit' })
  if (m.status !== 0) {
    console.error('[dev] migrations failed; is Postgres running (DATABASE_URL)?')
    process.exit(1)
  }
}

const tsx = (file) => ['--conditions=development', '--import', 'tsx', file]
const apps = [
  { name: 'api', file: 'apps/api/src/server.ts', env: { API_PORT: String(ports.api) } },
  { name: 'redirect-1', file: 'apps/redirect/src/server.ts', env: { REDIRECT_PORT: String(ports.redirect1), CLICK_CONSUMER: 'off' } },
  { name: 'redirect-2', file: 'apps/redirect/src/server.ts', env: { REDIRECT_PORT: String(ports.redirect2), CLICK_CONSUMER: 'off' } },
  { name: 'click-writer', file: 'apps/click-writer/src/server.ts', env: { CLICK_WRITER_PORT: String(ports.clickWriter) } },
  { name: 'prober', file: 'apps/prober/src/server.ts', env: { PROBER_PORT: String(ports.prober) } },
  { name: 'risk', file: 'apps/risk/src/server.ts', env: { RISK_PORT: String(ports.risk) } },
  // the dashboard at http://127.0.0.1:<edge>/app/ (or :8084/app/ directly); it calls the API over HTTP
  {
    name: 'web',
    file: 'apps/web/src/server.ts',
    env: { WEB_PORT: String(ports.web), API_URL: `http://127.0.0.1:${ports.api}`, PUBLIC_BASE_URL: `http://127.0.0.1:${ports.edge}` },
  },
]

let nginxEnv = {}
const hasNginx = spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status === 0
let edge
if (hasNginx) {
  // RATE_LIMIT_* from the environment reach the edge as they do in compose (defaults otherwise)
  edge = prepareNginx(resolve(root, env.DEV_NGINX_PREFIX || '.tmp/nginx'), devNginxVars(env, ports, base.QUARANTINE_MAP_FILE))
  // the micro-cache lives in memory (/dev/shm): give it back when the platform stops
  const cacheDir = edge.vars.NGINX_TEMP_DIR
  if (cacheDir.startsWith('/dev/shm/')) process.on('exit', () => rmSync(cacheDir, { recursive: true, force: true }))
  // packages/quarantine runs this after rewriting the map file
  nginxEnv = { NGINX_RELOAD_CMD: env.NGINX_RELOAD_CMD || `nginx ${nginxArgs(edge).join(' ')} -s reload` }
  // the edge answers hot codes from its cache and logs them; the click writer ships that log
  const writer = apps.find((a) => a.name === 'click-writer')
  writer.env.EDGE_CLICK_LOG = edge.vars.NGINX_EDGE_CLICK_LOG
  // a change to a link reaches the edge's cache at once: the replicas refresh the code there
  for (const a of apps.filter((a) => a.name.startsWith('redirect-'))) a.env.EDGE_REFRESH_URL = `http://127.0.0.1:${ports.edgeRefresh}`
}

const startApp = (app) => {
  if (!existsSync(resolve(root, app.file))) {
    console.warn(`[dev] ${app.file} does not exist yet: ${app.name} not started`)
    return
  }
  start(app.name, process.execPath, tsx(app.file), { ...nginxEnv, ...app.env })
}

// the serving tier and the edge first; the workers once the API answers, so the first canary round does not
// probe an edge whose upstreams are still booting
const workers = new Set(['prober', 'risk'])
for (const app of apps.filter((a) => !workers.has(a.name))) startApp(app)

if (edge) {
  spawnSync('nginx', ['-t', '-q', ...nginxArgs(edge)], { stdio: 'inherit' })
  start('nginx', 'nginx', [...nginxArgs(edge), '-g', 'daemon off;'])
  console.log(`[dev] edge: http://127.0.0.1:${ports.edge}  (access log: ${edge.vars.NGINX_ACCESS_LOG})`)
} else {
  console.warn(
    `[dev] nginx is not installed: no edge on :${ports.edge}. Use the API directly at http://127.0.0.1:${ports.api}` +
      ` and the redirect replicas at :${ports.redirect1} / :${ports.redirect2}.`,
  )
}

const deadline = Date.now() + 60_000
while (!stopping && Date.now() < deadline) {
  const up = await fetch(`http://127.0.0.1:${ports.api}/health`, { signal: AbortSignal.timeout(1_000) }).then(
    (r) => r.status < 500,
    () => false,
  )
  if (up) break
  await new Promise((r) => setTimeout(r, 250))
}
if (!stopping) for (const app of apps.filter((a) => workers.has(a.name))) startApp(app)
