#!/usr/bin/env node
// Renders infra/nginx/nginx.conf.template for local runs and tests (compose uses the nginx image's envsubst).
// Usage: node infra/scripts/render-nginx.mjs <prefix-dir>   (variables from the environment, defaults below)
import { copyFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, parse, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const runAsCommand = Boolean(process.argv[1]) && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
export const TEMPLATE_PATH = resolve(here, '../nginx/nginx.conf.template')
export const EMPTY_MAP_PATH = resolve(here, '../nginx/blocked_codes.empty.conf')

/** Defaults for a local run; `prefix` is added by prepareNginx. */
export const NGINX_DEFAULTS = {
  NGINX_WORKER_PROCESSES: '1',
  NGINX_LISTEN: '127.0.0.1:8080',
  API_UPSTREAM: '127.0.0.1:8081',
  WEB_UPSTREAM: '127.0.0.1:8084',
  REDIRECT_UPSTREAM_1: '127.0.0.1:8082',
  REDIRECT_UPSTREAM_2: '127.0.0.1:8083',
  RATE_LIMIT_REDIRECT: '100r/s',
  RATE_LIMIT_REDIRECT_BURST: '200',
  RATE_LIMIT_API: '20r/s',
  RATE_LIMIT_API_BURST: '40',
  RATE_LIMIT_WRITE: '5r/s',
  RATE_LIMIT_WRITE_BURST: '20',
  // the edge micro-cache: `redirect_cache` only where a click writer ships NGINX_EDGE_CLICK_LOG (EDGE_CLICK_LOG)
  NGINX_REDIRECT_CACHE: 'off',
  // how long the edge keeps a code's answer when no refresh comes (the replicas refresh it on every change)
  NGINX_REDIRECT_CACHE_SECONDS: '10',
  // the workers' nice value: below 0 needs root (CAP_SYS_NICE); compose and a root `pnpm dev` use -10
  NGINX_WORKER_PRIORITY: '0',
  // the access log's buffering (nginx `access_log` parameters); the edge tests write each line at once instead
  NGINX_ACCESS_LOG_BUFFER: 'buffer=64k flush=1s',
}

/**
 * The edge workers' nice value as compose runs them (-10, with CAP_SYS_NICE), where this process may raise a priority
 * (root); 0 elsewhere, where nginx would only log an alert. `pnpm dev`, the front-door bench and the edge tests use it.
 */
export const EDGE_WORKER_PRIORITY = process.getuid?.() === 0 ? '-10' : '0'

/** The edge's tunables an operator sets in the environment, as `.env` does for compose: the RATE_LIMIT_* pairs. */
export const RATE_LIMIT_NAMES = Object.keys(NGINX_DEFAULTS).filter((name) => name.startsWith('RATE_LIMIT_'))

/**
 * What `pnpm dev` (infra/scripts/dev.mjs) passes to prepareNginx: the 127.0.0.1 ports of its own processes, its map
 * file, and every RATE_LIMIT_* set in `env` (unset or empty ones keep NGINX_DEFAULTS).
 */
export function devNginxVars(env, ports, quarantineMapFile) {
  return {
    ...Object.fromEntries(RATE_LIMIT_NAMES.map((name) => [name, env[name]])),
    NGINX_LISTEN: `127.0.0.1:${ports.edge}`,
    API_UPSTREAM: `127.0.0.1:${ports.api}`,
    WEB_UPSTREAM: `127.0.0.1:${ports.web ?? 8084}`,
    REDIRECT_UPSTREAM_1: `127.0.0.1:${ports.redirect1}`,
    REDIRECT_UPSTREAM_2: `127.0.0.1:${ports.redirect2}`,
    QUARANTINE_MAP_FILE: quarantineMapFile,
    // as deployed: one worker (compose's edge has one core), and the micro-cache on (dev.mjs runs the click writer
    // that ships its log)
    NGINX_WORKER_PROCESSES: '1',
    NGINX_REDIRECT_CACHE: 'redirect_cache',
    // the micro-cache in memory, as compose mounts it (a tmpfs): no disk file per hit
    NGINX_TEMP_DIR: existsSync('/dev/shm') ? `/dev/shm/ghostlink-nginx-${ports.edge}` : undefined,
    // the replicas refresh a changed code's cached answers here (EDGE_REFRESH_URL)
    NGINX_REFRESH_LISTEN: `127.0.0.1:${ports.edgeRefresh ?? 8079}`,
    // the edge first, as compose runs it; raising a priority needs root, and an unprivileged nginx would log an alert
    NGINX_WORKER_PRIORITY: EDGE_WORKER_PRIORITY,
  }
}

/** Replaces every ${NAME} of the template; throws when one has no value (a typo must not reach nginx). */
export function renderNginx(vars, template = readFileSync(TEMPLATE_PATH, 'utf8')) {
  const missing = new Set()
  const out = template.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name) => {
    const value = vars[name]
    if (value === undefined || value === '') {
      missing.add(name)
      return ''
    }
    return String(value)
  })
  if (missing.size > 0) throw new Error(`nginx template: no value for ${[...missing].join(', ')}`)
  return out
}

/**
 * Writes <prefix>/nginx.conf with logs, pid and temp dirs under <prefix>, so nginx runs without root.
 * Creates QUARANTINE_MAP_FILE (empty) when it does not exist. Returns the paths nginx needs.
 */
export function prepareNginx(prefix, overrides = {}) {
  const dir = resolve(prefix)
  mkdirSync(join(dir, 'temp'), { recursive: true })
  mkdirSync(join(dir, 'logs'), { recursive: true })
  // when started as root, nginx workers run as nobody and must traverse the prefix
  chmodSync(dir, 0o755)
  const vars = {
    ...NGINX_DEFAULTS,
    NGINX_PID_FILE: join(dir, 'nginx.pid'),
    NGINX_TEMP_DIR: overrides.NGINX_TEMP_DIR || workerTempDir(dir),
    NGINX_ERROR_LOG: join(dir, 'logs/error.log'),
    NGINX_ACCESS_LOG: join(dir, 'logs/access.log'),
    NGINX_EDGE_CLICK_LOG: join(dir, 'logs/edge-clicks.log'),
    QUARANTINE_MAP_FILE: join(dir, 'blocked_codes.conf'),
    // the refresh server (internal): a socket of this prefix unless a caller gives it an address, so that any number
    // of test edges run side by side
    NGINX_REFRESH_LISTEN: `unix:${join(dir, 'refresh.sock')}`,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined && v !== '')),
  }
  vars.QUARANTINE_MAP_FILE = resolve(vars.QUARANTINE_MAP_FILE)
  // nginx creates its temp and cache directories, not their parent; the workers (nobody, under root) must reach it
  if (!existsSync(vars.NGINX_TEMP_DIR)) {
    mkdirSync(vars.NGINX_TEMP_DIR, { recursive: true })
    chmodSync(vars.NGINX_TEMP_DIR, 0o755)
  }
  if (!existsSync(vars.QUARANTINE_MAP_FILE)) {
    mkdirSync(dirname(vars.QUARANTINE_MAP_FILE), { recursive: true })
    copyFileSync(EMPTY_MAP_PATH, vars.QUARANTINE_MAP_FILE)
  }
  const confPath = join(dir, 'nginx.conf')
  writeFileSync(confPath, renderNginx(vars))
  return { prefix: dir, confPath, vars }
}

/**
 * The workers read and write the temp dir (the micro-cache lives there). Started as root, they run as `nobody`, who
 * cannot reach a prefix under a private directory (a test's mkdtemp, a home directory): then a traversable temp dir
 * of its own is used instead.
 */
function workerTempDir(dir) {
  const temp = join(dir, 'temp')
  if (process.getuid?.() !== 0) return temp
  for (let d = dir; d !== parse(d).root; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      const own = mkdtempSync(join(tmpdir(), 'gl-nginx-temp-'))
      chmodSync(own, 0o755)
      // a test's or bench's nginx stops before its process exits; the command line's (below) runs on after it
      if (!runAsCommand) process.on('exit', () => rmSync(own, { recursive: true, force: true }))
      return own
    }
  }
  return temp
}

/** nginx arguments for a prepared prefix: `nginx ...nginxArgs(p)` (-e avoids the compiled-in /var/log path). */
export const nginxArgs = (p) => ['-p', p.prefix, '-c', p.confPath, '-e', p.vars.NGINX_ERROR_LOG]

if (runAsCommand) {
  const prefix = process.argv[2]
  if (!prefix) {
    console.error('usage: render-nginx.mjs <prefix-dir>')
    process.exit(2)
  }
  const names = [...Object.keys(NGINX_DEFAULTS), 'QUARANTINE_MAP_FILE', 'NGINX_EDGE_CLICK_LOG', 'NGINX_REFRESH_LISTEN']
  const p = prepareNginx(prefix, Object.fromEntries(names.map((n) => [n, process.env[n]])))
  console.log(`${p.confPath}\nrun: nginx ${nginxArgs(p).join(' ')}`)
}
