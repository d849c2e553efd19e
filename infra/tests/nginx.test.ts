// The edge config (infra/nginx/nginx.conf.template) run by a real nginx in front of stub upstreams:
// routing, quarantine, rate limits, JSON error bodies, X-Forwarded-For, /metrics hidden, JSON access log.
import { execFile } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CANARIES } from '@ghostlink/db'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { devNginxVars, NGINX_DEFAULTS, prepareNginx, RATE_LIMIT_NAMES, renderNginx } from '../scripts/render-nginx.mjs'
import { type EdgeNginx, startNginx } from './helpers/nginx.js'
import { REPO_ROOT } from './helpers/paths.js'
import { freePort } from './helpers/ports.js'
import { type Stub, startStub } from './helpers/stub-upstream.js'

const QUARANTINE_BODY = { error: 'This short code has been quarantined due to suspicious activity' }

type Echo = { upstream: string; method: string; url: string; xff: string | null; proto: string | null }
const get = async (url: string, init?: RequestInit) => {
  const res = await fetch(url, { redirect: 'manual', ...init })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

describe('nginx template', () => {
  it('refuses to render with a variable missing', () => {
    expect(() => renderNginx({ ...NGINX_DEFAULTS, API_UPSTREAM: undefined })).toThrow(/API_UPSTREAM/)
  })

  it('pnpm dev renders RATE_LIMIT_* from the environment, and the defaults for those unset or empty', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'gl-nginx-dev-'))
    let cacheDir: string | undefined
    try {
      const env = {
        RATE_LIMIT_REDIRECT: '7r/s',
        RATE_LIMIT_REDIRECT_BURST: '11',
        RATE_LIMIT_API: '',
        RATE_LIMIT_WRITE: '3r/m',
        RATE_LIMIT_WRITE_BURST: '4',
        API_UPSTREAM: '10.9.9.9:1', // only the rate limits come from the environment; dev owns the upstreams
      }
      const ports = { edge: 18080, api: 18081, redirect1: 18082, redirect2: 18083 }
      const p = prepareNginx(join(dir, 'nginx'), devNginxVars(env, ports, join(dir, 'blocked_codes.conf')))
      cacheDir = p.vars.NGINX_TEMP_DIR
      const conf = readFileSync(p.confPath, 'utf8')
      expect(conf).toContain('zone=redirects:20m rate=7r/s;')
      expect(conf).toContain('limit_req zone=redirects burst=11 nodelay;')
      expect(conf).toContain(`zone=api:10m rate=${NGINX_DEFAULTS.RATE_LIMIT_API};`)
      expect(conf).toContain(`limit_req zone=api burst=${NGINX_DEFAULTS.RATE_LIMIT_API_BURST} nodelay;`)
      expect(conf).toContain('zone=writes:10m rate=3r/m;')
      expect(conf).toContain('limit_req zone=writes burst=4 nodelay;')
      expect(conf).toContain('127.0.0.1:18081')
      expect(conf).not.toContain('10.9.9.9')
      expect(p.vars.QUARANTINE_MAP_FILE).toBe(join(dir, 'blocked_codes.conf'))
      expect(RATE_LIMIT_NAMES.sort()).toEqual(
        ['RATE_LIMIT_API', 'RATE_LIMIT_API_BURST', 'RATE_LIMIT_REDIRECT', 'RATE_LIMIT_REDIRECT_BURST', 'RATE_LIMIT_WRITE', 'RATE_LIMIT_WRITE_BURST'],
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
      // dev's micro-cache dir lives outside `dir` (on /dev/shm, as `pnpm dev` has it): prepareNginx made it
      if (cacheDir?.startsWith('/dev/shm/')) rmSync(cacheDir, { recursive: true, force: true })
    }
  })
})

describe('edge in front of stub upstreams', () => {
  let api: Stub
  let r1: Stub
  let r2: Stub
  let web: Stub
  let edge: EdgeNginx

  beforeAll(async () => {
    ;[api, r1, r2, web] = await Promise.all([startStub('api'), startStub('redirect-1'), startStub('redirect-2'), startStub('web')])
    edge = await startNginx({
      API_UPSTREAM: api.address,
      WEB_UPSTREAM: web.address,
      REDIRECT_UPSTREAM_1: r1.address,
      REDIRECT_UPSTREAM_2: r2.address,
      // tight write limit so the 429 is reachable in a test; reads stay loose (this file sends ~150 API reads)
      RATE_LIMIT_API: '10000r/s',
      RATE_LIMIT_WRITE: '1r/m',
      RATE_LIMIT_WRITE_BURST: '2',
    })
  })
  afterAll(async () => {
    await edge?.stop()
    await Promise.all([api, r1, r2, web].map((s) => s?.close()))
  })

  it.each([
    ['/abc123', 'redirect'],
    ['/r/abc123', 'redirect'],
    ['/Code_with-dash', 'redirect'],
    ['/urls', 'api'],
    ['/app', 'web'],
    ['/app/', 'web'],
    ['/app/links/5?range=7d', 'web'],
    ['/app/static/app.css', 'web'],
    ['/apples', 'redirect'],
    ['/urls/5', 'api'],
    ['/urls/abc123', 'api'],
    ['/users?page=2', 'api'],
    ['/health', 'api'],
    ['/ready', 'api'],
    ['/shorten', 'api'],
    ['/events', 'api'],
    ['/docs', 'api'],
    ['/docs/json', 'api'],
    ['/health-demo', 'api'],
    ['/quarantine', 'api'],
    ['/quarantine/abc123', 'api'],
    ['/Health', 'api'],
    ['/r', 'api'],
    ['/openapi', 'api'],
    ['/support-demo', 'api'],
    ['/', 'api'],
    ['/a/b/c', 'api'],
  ])('routes %s to the %s', async (path, pool) => {
    const res = await get(edge.url + path)
    expect(res.status).toBe(200)
    const echo = JSON.parse(res.text) as Echo
    expect(echo.upstream.startsWith(pool)).toBe(true)
    expect(echo.url).toBe(path)
  })

  it('sends every reserved word of the API (apps/api/src/urls/reserved-codes.ts) to the API (`app`: the web dashboard), never the redirect pool', async () => {
    const source = (p: string) => readFileSync(join(REPO_ROOT, p), 'utf8')
    const list = (text: string, from: string) => [...(text.split(from)[1]?.split(']')[0] ?? '').matchAll(/'([a-z-]+)'/g)].map((m) => m[1])
    const reserved = list(source('apps/api/src/urls/reserved-codes.ts'), 'new Set([')
    expect(reserved).toContain('health')
    for (const word of [...reserved, ...CANARIES].filter((w) => w !== 'metrics')) {
      for (const path of [`/${word}`, `/${word?.toUpperCase()}`]) {
        const res = await get(edge.url + path)
        expect((JSON.parse(res.text) as Echo).upstream, path).toBe(word === 'app' ? 'web' : 'api')
      }
    }
  })

  it('spreads redirects over both replicas', async () => {
    const seen = new Set<string>()
    for (let i = 0; i < 10; i++) seen.add((JSON.parse((await get(`${edge.url}/abc${i}`)).text) as Echo).upstream)
    expect([...seen].sort()).toEqual(['redirect-1', 'redirect-2'])
  })

  it('replaces a client-sent X-Forwarded-For with the socket address', async () => {
    for (const path of ['/abc123', '/urls']) {
      const res = await get(edge.url + path, { headers: { 'x-forwarded-for': '6.6.6.6' } })
      expect((JSON.parse(res.text) as Echo).xff).toBe('127.0.0.1')
    }
  })

  it('tells the apps https when the browser used it: its own scheme, or a TLS balancer in front that says so', async () => {
    const proto = async (sent?: string) =>
      (JSON.parse((await get(`${edge.url}/urls`, { headers: sent ? { 'x-forwarded-proto': sent } : {} })).text) as Echo).proto
    expect(await proto()).toBe('http')
    expect(await proto('https')).toBe('https')
    // anything else is not believed: the edge's own scheme goes on
    expect(await proto('gopher')).toBe('http')
  })

  it.each(['/metrics', '/METRICS', '/r/metrics', '/urls/metrics', '/anything/metrics'])('does not expose %s', async (path) => {
    const res = await get(edge.url + path)
    expect(res.status).toBe(404)
    expect(JSON.parse(res.text)).toEqual({ error: 'Not found', code: 404 })
  })

  it('answers quarantined codes itself with the original 410 body, on every alias', async () => {
    writeFileSync(edge.vars.QUARANTINE_MAP_FILE, '/badcode 1;\n/r/badcode 1;\n/urls/badcode 1;\n')
    await edge.reload()
    await vi.waitFor(async () => expect((await get(`${edge.url}/badcode`)).status === 410, 'the reloaded map').toBe(true), { timeout: 20_000, interval: 100 })
    for (const path of ['/badcode', '/r/badcode', '/urls/badcode']) {
      const res = await get(edge.url + path)
      expect(res.status).toBe(410)
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(JSON.parse(res.text)).toEqual(QUARANTINE_BODY)
    }
    // neighbours are untouched
    expect((await get(`${edge.url}/badcode2`)).status).toBe(200)
    expect((await get(`${edge.url}/urls/7`)).status).toBe(200)
    const log = () =>
      edge
        .accessLog()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    await vi.waitFor(() => expect(log().some((l) => l.request === 'GET /badcode HTTP/1.1' && l.status === 410 && l.quarantined === '1')).toBe(true), { timeout: 5_000, interval: 50 })
  })

  it('writes a JSON access log with the original fields', async () => {
    await get(`${edge.url}/abc123`, { headers: { 'user-agent': 'vitest "quoted"', referer: 'http://ref.example/' } })
    const lastLine = () => JSON.parse(edge.accessLog().trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>
    // nginx writes a request's log line after its answer
    await vi.waitFor(() => expect(lastLine().request).toBe('GET /abc123 HTTP/1.1'), { timeout: 5_000, interval: 50 })
    const last = lastLine()
    for (const key of [
      'time',
      'timestamp',
      'log_level',
      'remote_addr',
      'request_id',
      'request',
      'status',
      'body_bytes_sent',
      'request_time',
      'upstream_addr',
      'upstream_response_time',
      'http_referer',
      'http_user_agent',
    ])
      expect(last).toHaveProperty(key)
    expect(last).toMatchObject({ request: 'GET /abc123 HTTP/1.1', status: 200, http_user_agent: 'vitest "quoted"', log_level: 'info' })
    expect(typeof last.request_time).toBe('number')
  })

  it('rate-limits writes per IP with a JSON 429, while reads keep flowing', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await get(`${edge.url}/shorten`, { method: 'POST', body: '{}' })).status)
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200])
    expect(statuses.slice(3)).toEqual([429, 429])
    const limited = await get(`${edge.url}/urls`, { method: 'DELETE' })
    expect(limited.status).toBe(429)
    expect(JSON.parse(limited.text)).toEqual({ error: 'Too many requests', code: 429 })
    expect(limited.headers.get('retry-after')).toBe('1')
    expect((await get(`${edge.url}/urls`)).status).toBe(200)
    expect((await get(`${edge.url}/abc123`)).status).toBe(200)
  })

  it('fails over when a replica is gone and answers a JSON 502 when all are', async () => {
    await r1.close()
    for (let i = 0; i < 20; i++) {
      const res = await get(`${edge.url}/code${i}`)
      expect(res.status).toBe(200)
      expect((JSON.parse(res.text) as Echo).upstream).toBe('redirect-2')
    }
    await r2.close()
    const res = await get(`${edge.url}/code1`)
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(JSON.parse(res.text)).toEqual({ error: 'Bad gateway', code: 502 })
  })
})

describe('edge with nothing listening behind it', () => {
  let edge: EdgeNginx
  beforeAll(async () => {
    const [a, b, c] = await Promise.all([freePort(), freePort(), freePort()])
    edge = await startNginx({
      API_UPSTREAM: `127.0.0.1:${a}`,
      REDIRECT_UPSTREAM_1: `127.0.0.1:${b}`,
      REDIRECT_UPSTREAM_2: `127.0.0.1:${c}`,
    })
  })
  afterAll(async () => edge?.stop())

  it.each(['/abc', '/health', '/urls/1'])('answers %s with the JSON 502', async (path) => {
    const res = await get(edge.url + path)
    expect([res.status, JSON.parse(res.text)]).toEqual([502, { error: 'Bad gateway', code: 502 }])
  })
})

it('nginx -t accepts the template as compose renders it (service names, absolute paths)', async () => {
  const { mkdtempSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const dir = mkdtempSync(`${tmpdir()}/gl-nginx-compose-`)
  writeFileSync(`${dir}/map.conf`, '')
  const conf = renderNginx({
    ...NGINX_DEFAULTS,
    NGINX_WORKER_PROCESSES: '1',
    NGINX_LISTEN: '8080',
    API_UPSTREAM: '127.0.0.1:8081', // nginx -t resolves names; compose names only resolve inside the network
    REDIRECT_UPSTREAM_1: 'localhost:8082',
    REDIRECT_UPSTREAM_2: 'localhost:8083',
    NGINX_PID_FILE: `${dir}/nginx.pid`,
    NGINX_ERROR_LOG: `${dir}/error.log`,
    NGINX_ACCESS_LOG: `${dir}/access.log`,
    NGINX_EDGE_CLICK_LOG: `${dir}/edge-clicks.log`,
    NGINX_REDIRECT_CACHE: 'redirect_cache',
    NGINX_REFRESH_LISTEN: '8079',
    NGINX_WORKER_PRIORITY: '-10',
    NGINX_TEMP_DIR: dir,
    QUARANTINE_MAP_FILE: `${dir}/map.conf`,
  })
  writeFileSync(`${dir}/nginx.conf`, conf)
  try {
    const { stderr } = await promisify(execFile)('nginx', ['-t', '-p', dir, '-c', `${dir}/nginx.conf`, '-e', `${dir}/error.log`])
    expect(stderr).toMatch(/test is successful/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
