// Issue 9 end to end: probes of a deactivated link reach the risk score as ghost-probe pressure, through the real
// redirect service (its click pipeline writes the fingerprints), the API and the risk worker, all from source, on a
// fresh database and Redis prefix, while staying invisible to the contract (no redirect event, no 302 counted).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closeDb, createDb, type Db } from '@ghostlink/db'
import { cleanRedisPrefix, createTestDatabase, TEST_REDIS_URL, type TestDatabase, testRedisPrefix } from '@ghostlink/testing'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { type AppProcess, startApp } from './helpers/app-process.js'
import { freePort } from './helpers/ports.js'
import { ADMIN_KEY } from './helpers/admin-key.js'

let tdb: TestDatabase
let db: Db
let api: AppProcess
let redirect: AppProcess
let risk: AppProcess
const prefix = testRedisPrefix()
const dir = mkdtempSync(join(tmpdir(), 'gl-ghost-probe-'))

beforeAll(async () => {
  tdb = await createTestDatabase()
  db = createDb(tdb.url, 2)
  const ports = { api: await freePort(), redirect: await freePort(), risk: await freePort() }
  const env = {
    DATABASE_URL: tdb.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    QUARANTINE_MAP_FILE: join(dir, 'blocked_codes.conf'),
    ROLLBACK_STATE_FILE: join(dir, 'rollback_state.env'),
    // scores change only when this test asks: no scheduled sweep during the run
    RISK_SCHEDULE_SECONDS: '86400',
    AUTH_MODE: 'token',
    GHOSTLINK_ADMIN_KEY: ADMIN_KEY,
  }
  ;[api, redirect, risk] = await Promise.all([
    startApp('api', 'apps/api/src/server.ts', ports.api, { ...env, API_PORT: String(ports.api) }),
    // CLICK_CONSUMER on (the default): the replica's own consumer drains the stream, as a click writer would
    startApp('redirect', 'apps/redirect/src/server.ts', ports.redirect, { ...env, REDIRECT_PORT: String(ports.redirect) }),
    startApp('risk', 'apps/risk/src/server.ts', ports.risk, { ...env, RISK_PORT: String(ports.risk) }),
  ])
}, 120_000)

afterAll(async () => {
  await Promise.all([api, redirect, risk].map((p) => p?.kill()))
  await closeDb(db)
  await cleanRedisPrefix(prefix)
  await tdb?.drop()
  rmSync(dir, { recursive: true, force: true })
}, 60_000)

/** API calls carry the bootstrap admin key (token mode, the default). */
const json = async <T = Record<string, unknown>>(url: string, init?: RequestInit) => {
  const res = await fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${ADMIN_KEY}` } })
  return { status: res.status, body: (await res.json()) as T }
}
const patch = (id: number, body: object) =>
  json(`${api.url}/urls/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
type Signals = { ghost_probe_pressure?: true; ghost_probe_count?: number }
type StoredScore = { computed_at: string; signals: Signals }
const storedScore = async (urlId: number) =>
  (await db.$client<StoredScore[]>`select computed_at::text, signals from risk_scores where url_id = ${urlId}`)[0]
/** Waits for the risk worker to store a score computed after `previous` (undefined: any score). */
const nextScore = async (urlId: number, previous?: string) => {
  await vi.waitFor(async () => {
    const row = await storedScore(urlId)
    expect(row !== undefined && row.computed_at !== previous, 'the risk worker to store a new score').toBe(true)
  }, { timeout: 20_000, interval: 100 })
  return (await storedScore(urlId))!
}
const redirectCount = async (status: number) => {
  const text = await (await fetch(`${redirect.url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith('url_redirects_total{') && l.includes(`status="${status}"`))
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
}

it('ten 410s on a deactivated link: fingerprints, no event, no 302; the next score shows ghost-probe pressure', async () => {
  const created = await json<{ id: number; short_code: string }>(`${api.url}/shorten`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ original_url: 'https://example.com/landing' }),
  })
  expect(created.status).toBe(201)
  const { id, short_code: code } = created.body
  const first = await nextScore(id) // the creation's score

  expect((await patch(id, { is_active: false })).status).toBe(200)
  const deactivated = await nextScore(id, first.computed_at)
  expect(deactivated.signals).not.toHaveProperty('ghost_probe_pressure')

  const before = { 302: await redirectCount(302), 410: await redirectCount(410) }
  for (let i = 0; i < 10; i++) {
    const res = await fetch(`${redirect.url}/${i % 2 ? 'r/' : ''}${code}`, { redirect: 'manual' })
    expect([res.status, await res.json()]).toEqual([410, { error: 'Link inactive', code: 410 }])
  }
  const fingerprints = () => db.$client`select status_code, is_dead_link, is_quarantined, is_invalid_short_code, count(*)::int as n
    from request_fingerprints where short_code = ${code} group by 1, 2, 3, 4`
  await vi.waitFor(async () => expect((await fingerprints())[0]?.n === 10, 'the click pipeline to write 10 fingerprints').toBe(true), { timeout: 20_000, interval: 100 })
  // dead, but neither quarantined (no "blocked hit") nor an unknown code
  expect([...(await fingerprints())]).toEqual([{ status_code: 410, is_dead_link: true, is_quarantined: false, is_invalid_short_code: false, n: 10 }])
  expect(await redirectCount(302)).toBe(before[302])
  expect(await redirectCount(410)).toBe(before[410] + 10)

  // the hits themselves trigger no recomputation: the stored score is still the deactivation's
  await new Promise((r) => setTimeout(r, 1_000))
  expect((await storedScore(id))!.computed_at).toBe(deactivated.computed_at)

  // an update recomputes (through the risk queue and worker) and sees the probes
  expect((await patch(id, { title: 'probed' })).status).toBe(200)
  const updated = await nextScore(id, deactivated.computed_at)
  expect(updated.signals).toMatchObject({ ghost_probe_pressure: true })
  expect(updated.signals.ghost_probe_count).toBeGreaterThanOrEqual(10)
  // the API answers from the cache the worker refreshes right after storing
  const view = async () => (await json<{ url_id: number; signals: Signals }>(`${api.url}/urls/${id}/risk`)).body
  await vi.waitFor(async () => expect((await view()).signals?.ghost_probe_pressure === true, 'GET /urls/:id/risk to show the pressure').toBe(true), { timeout: 5_000, interval: 100 })
  expect(await view()).toMatchObject({ url_id: id, signals: { ghost_probe_pressure: true, ghost_probe_count: updated.signals.ghost_probe_count } })

  const events = await json<Array<{ event_type: string }>>(`${api.url}/events?url_id=${id}`)
  expect(events.status).toBe(200)
  expect(events.body.map((e) => e.event_type)).toEqual(['created', 'updated', 'updated'])
}, 60_000)
