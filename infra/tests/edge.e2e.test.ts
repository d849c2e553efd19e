// End to end: real nginx (rendered template) in front of two redirect processes and the API, all from source,
// on a fresh database and Redis prefix. Routing, quarantine at the edge, failover, JSON 502, hidden /metrics.
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
// the map renderer the API and risk worker use (imported by path: infra cannot add a workspace dependency
// without a lockfile change); the exact-key format is what nginx.conf.template includes
import { renderNginxMap } from '@ghostlink/quarantine'
import type { AppProcess } from './helpers/app-process.js'
import type { EdgeNginx } from './helpers/nginx.js'
import { type Platform, startPlatform } from './helpers/platform.js'
import { ADMIN } from './helpers/admin-key.js'

const QUARANTINE_BODY = { error: 'This short code has been quarantined due to suspicious activity' }
const DESTINATION = 'https://example.com/landing?x=1'

describe('edge end to end', () => {
  let platform: Platform
  let api: AppProcess
  let r1: AppProcess
  let r2: AppProcess
  let edge: EdgeNginx
  let code: string
  // the upstream addresses nginx logs (the failover loop sends 1,000 requests from one IP: startPlatform lifts the limits)
  const hostOf = (p: AppProcess) => p.url.replace('http://', '')

  beforeAll(async () => {
    platform = await startPlatform()
    ;({ api, r1, r2, edge } = platform)
  }, 120_000)

  afterAll(() => platform?.stop(), 60_000)

  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(edge.url + path, { redirect: 'manual', ...init })
    return { status: res.status, headers: res.headers, text: await res.text() }
  }
  const upstreamsFor = (path: string) =>
    edge
      .accessLog()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { request: string; upstream_addr: string })
      .filter((l) => l.request === `GET ${path} HTTP/1.1`)
      .map((l) => l.upstream_addr)

  it('creates a link through the edge (API)', async () => {
    const res = await get('/shorten', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN },
      body: JSON.stringify({ original_url: DESTINATION }),
    })
    expect(res.status, res.text).toBe(201)
    code = (JSON.parse(res.text) as { short_code: string }).short_code
    expect(code).toMatch(/^[A-Za-z0-9]+$/)
  })

  it('routes /<code> and /r/<code> to the redirect replicas, both of them', async () => {
    for (const path of [`/${code}`, `/r/${code}`]) {
      for (let i = 0; i < 4; i++) {
        const res = await get(path)
        expect(res.status).toBe(302)
        expect(res.headers.get('location')).toBe(DESTINATION)
        expect(res.headers.get('x-ghostlink-version')).toBeTruthy()
      }
      // nginx writes a request's log line after its answer: wait for the last one
      await vi.waitFor(() => expect(new Set(upstreamsFor(path))).toEqual(new Set([hostOf(r1), hostOf(r2)])), { timeout: 5_000, interval: 50 })
    }
  })

  it('routes API paths to the API', async () => {
    const health = await get('/health')
    expect(health.status).toBe(200)
    expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', db: 'ok' })
    expect((await get('/health-demo')).status).toBe(200)
    // the edge passes the Authorization header through; without it the API refuses
    expect((await get('/urls')).status).toBe(401)
    const list = await get('/urls', { headers: ADMIN })
    expect(list.status).toBe(200)
    expect(Array.isArray(JSON.parse(list.text))).toBe(true)
    await vi.waitFor(() => expect(upstreamsFor('/urls')).toEqual([hostOf(api), hostOf(api)]), { timeout: 5_000, interval: 50 })
    for (const path of ['/health', '/health-demo']) expect(upstreamsFor(path)).toEqual([hostOf(api)])
    const missing = await get('/no/such/route')
    expect([missing.status, JSON.parse(missing.text)]).toEqual([404, { error: 'Not found', code: 404 }])
  })

  it('quarantines through the API: both replicas answer 410 within a second, before any nginx reload', async () => {
    const created = await get('/shorten', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN },
      body: JSON.stringify({ original_url: 'https://example.com/suspicious' }),
    })
    const bad = (JSON.parse(created.text) as { short_code: string }).short_code
    // cache the 302 in both replicas first, so the test proves invalidation rather than a cold lookup
    for (const base of [r1.url, r2.url]) expect((await fetch(`${base}/${bad}`, { redirect: 'manual' })).status).toBe(302)

    const q = await get(`/quarantine/${bad}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN },
      body: JSON.stringify({ reason: 'phishing report' }),
    })
    expect(q.status, q.text).toBe(201)
    const since = Date.now()
    for (const base of [r1.url, r2.url]) {
      await vi.waitFor(async () => expect((await fetch(`${base}/${bad}`, { redirect: 'manual' })).status === 410, 'the replica to drop its cached answer').toBe(true), { timeout: 20_000, interval: 100 })
    }
    expect(Date.now() - since).toBeLessThan(1_000)
    for (const path of [`/${bad}`, `/r/${bad}`, `/urls/${bad}`]) {
      const res = await get(path) // the edge map was not reloaded: the apps enforce it themselves
      expect([res.status, JSON.parse(res.text)], path).toEqual([410, { ...QUARANTINE_BODY, code: 410 }])
    }

    expect((await get(`/quarantine/${bad}`, { method: 'DELETE', headers: ADMIN })).status).toBe(200)
    await vi.waitFor(async () => expect((await get(`/${bad}`)).status === 302, 'the release to reach the replicas').toBe(true), { timeout: 20_000, interval: 100 })
    expect((await get(`/r/${bad}`)).status).toBe(302)
  })

  it('does not expose /metrics at the edge (the apps serve it internally)', async () => {
    const res = await get('/metrics')
    expect([res.status, JSON.parse(res.text)]).toEqual([404, { error: 'Not found', code: 404 }])
    const direct = await fetch(`${api.url}/metrics`)
    expect(direct.status).toBe(200)
    expect(await direct.text()).toMatch(/http_request_duration_seconds/)
  })

  it('fails over without a single failed request when a replica is killed mid-traffic', async () => {
    const failures: string[] = []
    for (let i = 0; i < 1000; i++) {
      if (i === 300) r1.child.kill('SIGKILL')
      const res = await get(`/${code}`)
      if (res.status !== 302) failures.push(`#${i}: ${res.status} ${res.text}`)
    }
    expect(failures).toEqual([])
    expect(r1.child.signalCode).toBe('SIGKILL')
  }, 120_000)

  it('answers the JSON 502 when every replica is down', async () => {
    await r2.kill('SIGKILL')
    const res = await get(`/${code}`)
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(JSON.parse(res.text)).toEqual({ error: 'Bad gateway', code: 502 })
  })

  it('answers a quarantined code with the original 410 itself, with no redirect process running', async () => {
    writeFileSync(edge.vars.QUARANTINE_MAP_FILE, renderNginxMap([code]))
    await edge.reload()
    await vi.waitFor(async () => expect((await get(`/${code}`)).status === 410, 'the reloaded quarantine map').toBe(true), { timeout: 20_000, interval: 100 })
    for (const path of [`/${code}`, `/r/${code}`, `/urls/${code}`]) {
      const res = await get(path)
      expect(res.status, path).toBe(410)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(JSON.parse(res.text)).toEqual(QUARANTINE_BODY)
    }
    expect((await get('/health')).status).toBe(200) // the API is still reachable
  })
})
