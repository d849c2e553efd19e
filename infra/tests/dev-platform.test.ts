// `pnpm dev` (infra/scripts/dev.mjs): migrates, starts every app that exists plus nginx, and SIGTERM stops them all.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cleanRedisPrefix, createTestDatabase, TEST_REDIS_URL, type TestDatabase, testRedisPrefix } from '@ghostlink/testing'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { REPO_ROOT } from './helpers/paths.js'
import { freePort } from './helpers/ports.js'

let db: TestDatabase
let dev: ChildProcess
let out = ''
const prefix = testRedisPrefix()
const dir = mkdtempSync(join(tmpdir(), 'gl-dev-'))
const ports: Record<string, number> = {}
const apps = { API_PORT: 'api', REDIRECT_PORT: 'redirect', REDIRECT_PORT_2: 'redirect', CLICK_WRITER_PORT: 'click-writer', PROBER_PORT: 'prober', RISK_PORT: 'risk', WEB_PORT: 'web' }
const running = (app: string) => existsSync(join(REPO_ROOT, `apps/${app}/src/server.ts`))

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })

beforeAll(async () => {
  db = await createTestDatabase()
  for (const key of ['EDGE_PORT', ...Object.keys(apps)]) ports[key] = await freePort()
  dev = spawn(process.execPath, ['infra/scripts/dev.mjs'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      DEV_NGINX_PREFIX: join(dir, 'nginx'),
      QUARANTINE_MAP_FILE: join(dir, 'blocked_codes.conf'),
      ROLLBACK_STATE_FILE: join(dir, 'rollback_state.env'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  dev.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  dev.stderr?.on('data', (d: Buffer) => (out += d.toString()))
}, 60_000)

afterAll(async () => {
  // SIGTERM lets dev.mjs stop its children; SIGKILL only if it hangs
  if (dev && dev.exitCode === null && dev.signalCode === null) {
    const gone = new Promise((resolve) => dev.once('exit', resolve))
    dev.kill('SIGTERM')
    const timer = setTimeout(() => dev.kill('SIGKILL'), 25_000)
    await gone
    clearTimeout(timer)
  }
  await cleanRedisPrefix(prefix)
  await db?.drop()
  rmSync(dir, { recursive: true, force: true })
}, 60_000)

it('serves the API and the redirect tier through the local nginx edge, and stops everything on SIGTERM', async () => {
  const edge = `http://127.0.0.1:${ports.EDGE_PORT}`
  await vi.waitFor(async () => {
      if (dev.exitCode !== null) throw new Error(`dev.mjs exited early:\n${out}`)
      expect((await fetch(`${edge}/health`)).status === 200, 'the edge to reach the API').toBe(true)
    }, { timeout: 90_000, interval: 100 }).catch((err) => {
    throw new Error(`${String(err)}\n${out}`)
  })
  expect(out).toMatch(/migrations applied/)
  if (running('redirect')) {
    await vi.waitFor(async () => expect((await listening(ports.REDIRECT_PORT ?? 0)) && (await listening(ports.REDIRECT_PORT_2 ?? 0)), 'both redirect replicas').toBe(true), { timeout: 60_000, interval: 100 })
    const res = await fetch(`${edge}/nosuchcode1`, { redirect: 'manual' })
    expect(res.status).toBe(404)
    expect(res.headers.get('x-ghostlink-version')).toBeTruthy() // answered by the app, not by nginx
  }
  for (const [key, app] of Object.entries(apps))
    if (running(app)) await vi.waitFor(async () => expect(await listening(ports[key] ?? 0), `${app} on ${key}`).toBe(true), { timeout: 60_000, interval: 100 })
  // the dashboard through the edge's /app/ route
  const login = await fetch(`${edge}/app/login`)
  expect(login.status).toBe(200)
  expect(await login.text()).toMatch(/<h1>Sign in<\/h1>/)

  // the edge's micro-cache lives in memory while the platform runs, and is given back when it stops
  const cacheDir = `/dev/shm/ghostlink-nginx-${ports.EDGE_PORT}`
  if (existsSync('/dev/shm')) expect(existsSync(join(cacheDir, 'redirect_cache')), 'the micro-cache on /dev/shm').toBe(true)
  const exited = new Promise<number | null>((resolve) => dev.once('exit', (code) => resolve(code)))
  dev.kill('SIGTERM')
  expect(await exited).toBe(0)
  for (const [key, port] of Object.entries(ports)) expect(await listening(port), `${key} still listening`).toBe(false)
  expect(existsSync(cacheDir), 'the micro-cache removed').toBe(false)
}, 180_000)
