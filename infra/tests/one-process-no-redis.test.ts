// Issue 11, "Without Redis": the API plugin and the redirect plugin in one process with no Redis client at all,
// composed as the one-process entry does (the API is handed the redirect tier's in-process invalidation bus).
// Real Postgres; nothing connects to Redis.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { api } from '@ghostlink/api/app'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, type Db } from '@ghostlink/db'
import { createApiMetrics } from '@ghostlink/metrics'
import { type OpenedDeps, openLocalDeps, redirectApp } from '@ghostlink/redirect/compose'
import { createTestDatabase, type TestDatabase } from '@ghostlink/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, ADMIN_KEY } from './helpers/admin-key.js'

const LIMITS = { API_KEY_READS_PER_MIN: '5', API_KEY_WRITES_PER_MIN: '200', AUTH_FAILURES_PER_MIN: '4' }

let tdb: TestDatabase
let db: Db
let mapDir: string
let apiApp: FastifyInstance
let redirect: FastifyInstance
let redirectDeps: OpenedDeps
let redirectClosed = false
let userKey: string

/** Recorded redirects of one link, and the clicks its hourly statistics rollup counted. */
const redirectsOf = async (urlId: number) =>
  (await db.$client<{ n: number }[]>`select count(*)::int as n from events where event_type = 'redirect' and url_id = ${urlId}`)[0]!.n
const rolledUp = async (urlId: number) =>
  (await db.$client<{ n: number }[]>`select coalesce(sum(clicks), 0)::int as n from click_stats_hourly where url_id = ${urlId}`)[0]!.n
let userId: number

const json = { 'content-type': 'application/json' }
const as = (key: string) => ({ authorization: `Bearer ${key}` })

async function shorten(body: Record<string, unknown>): Promise<{ id: number; short_code: string }> {
  const res = await apiApp.inject({ method: 'POST', url: '/shorten', headers: { ...as(userKey), ...json }, payload: body })
  expect(res.statusCode).toBe(201)
  return res.json()
}

beforeAll(async () => {
  tdb = await createTestDatabase()
  db = createDb(tdb.url, 2)
  mapDir = mkdtempSync(join(tmpdir(), 'gl-onebox-'))
  const config = loadConfig({
    DATABASE_URL: tdb.url,
    LOG_LEVEL: 'silent',
    AUTH_MODE: 'token',
    GHOSTLINK_ADMIN_KEY: ADMIN_KEY,
    // the API renders the quarantine map inline (no queue): into a scratch file, no reload command
    QUARANTINE_MAP_FILE: join(mapDir, 'blocked_codes.conf'),
    CLICK_FLUSH_INTERVAL_MS: '600000',
    DATABASE_POOL_MAX: '6',
    ...LIMITS,
  })
  redirect = Fastify({ logger: false })
  redirectDeps = await openLocalDeps(config, redirect.log)
  await redirect.register(redirectApp, redirectDeps)
  apiApp = Fastify({ logger: false })
  const apiDb = createDb(config.databaseUrl, config.DATABASE_POOL_MAX)
  apiApp.addHook('onClose', () => closeDb(apiDb))
  await apiApp.register(api, { config, db: apiDb, metrics: createApiMetrics(config.release, config.flags), invalidation: redirectDeps.invalidation })
  await Promise.all([redirect.ready(), apiApp.ready()])

  const user = await apiApp.inject({ method: 'POST', url: '/users', headers: { ...ADMIN, ...json }, payload: { username: 'solo', email: 'solo@example.com' } })
  expect(user.statusCode).toBe(201)
  userId = user.json().id
  const key = await apiApp.inject({ method: 'POST', url: `/users/${userId}/keys`, headers: { ...ADMIN, ...json }, payload: {} })
  expect(key.statusCode).toBe(201)
  userKey = key.json().key
})

afterAll(async () => {
  await apiApp?.close()
  if (!redirectClosed) {
    await redirect?.close()
    await redirectDeps?.close()
  }
  await closeDb(db)
  await tdb.drop()
  rmSync(mapDir, { recursive: true, force: true })
})

describe('one process without Redis', () => {
  it('both report redis "disabled" and stay healthy', async () => {
    expect((await apiApp.inject('/health')).json()).toMatchObject({ status: 'ok', db: 'ok', redis: 'disabled' })
    expect((await redirect.inject('/health')).json()).toMatchObject({ status: 'ok', db: 'ok', redis: 'disabled' })
  })

  it('a link changed through the API is answered anew by the redirect plugin at once: update, deactivate, quarantine', async () => {
    const link = await shorten({ original_url: 'https://example.com/v1' })
    const go = () => redirect.inject(`/${link.short_code}`)
    // twice: the second answer comes from the redirect plugin's in-process cache
    expect((await go()).headers.location).toBe('https://example.com/v1')
    expect((await go()).headers.location).toBe('https://example.com/v1')

    const put = await apiApp.inject({ method: 'PUT', url: `/urls/${link.id}`, headers: { ...as(userKey), ...json }, payload: { original_url: 'https://example.com/v2' } })
    expect(put.statusCode).toBe(200)
    expect((await go()).headers.location).toBe('https://example.com/v2')

    const q = await apiApp.inject({ method: 'POST', url: `/quarantine/${link.short_code}`, headers: { ...ADMIN, ...json }, payload: { reason: 'test' } })
    expect(q.statusCode).toBe(201)
    const held = await go()
    expect(held.statusCode).toBe(410)
    expect(held.json()).not.toEqual({ error: 'Link inactive', code: 410 })
    // the API's own alias route refuses it too
    expect((await apiApp.inject(`/urls/${link.short_code}`)).statusCode).toBe(410)

    const release = await apiApp.inject({ method: 'DELETE', url: `/quarantine/${link.short_code}`, headers: ADMIN })
    expect(release.statusCode).toBe(200)
    expect((await go()).statusCode).toBe(302)

    const del = await apiApp.inject({ method: 'DELETE', url: `/urls/${link.id}`, headers: as(userKey) })
    expect(del.statusCode).toBe(200)
    expect((await go()).json()).toEqual({ error: 'Link inactive', code: 410 })
  })

  it('max_clicks holds across both plugins under concurrency: exactly k served', async () => {
    const link = await shorten({ original_url: 'https://example.com/limited', max_clicks: 5 })
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? apiApp.inject(`/urls/${link.short_code}`) : redirect.inject(`/${link.short_code}`))),
    )
    expect(answers.filter((r) => r.statusCode === 302)).toHaveLength(5)
    expect(await redirectsOf(link.id)).toBe(5)
  })

  it('a revoked key is refused at once', async () => {
    const made = await apiApp.inject({ method: 'POST', url: `/users/${userId}/keys`, headers: { ...ADMIN, ...json }, payload: {} })
    const { id, key } = made.json()
    expect((await apiApp.inject({ url: '/users/me', headers: as(key) })).statusCode).toBe(200) // now cached
    expect((await apiApp.inject({ method: 'DELETE', url: `/keys/${id}`, headers: ADMIN })).statusCode).toBe(200)
    expect((await apiApp.inject({ url: '/users/me', headers: as(key) })).statusCode).toBe(401)
  })

  it('per-key limits and the failed-authentication limit are enforced in memory', async () => {
    const made = await apiApp.inject({ method: 'POST', url: `/users/${userId}/keys`, headers: { ...ADMIN, ...json }, payload: {} })
    const key = made.json().key
    const reads: number[] = []
    for (let i = 0; i < 6; i++) reads.push((await apiApp.inject({ url: '/users/me', headers: as(key) })).statusCode)
    expect(reads).toEqual([200, 200, 200, 200, 200, 429])

    const from = (k: string) => apiApp.inject({ url: '/keys', headers: as(k), remoteAddress: '10.1.2.3' })
    const guesses: number[] = []
    for (let i = 0; i < 4; i++) guesses.push((await from(`gl_guess${i}`)).statusCode)
    expect(guesses).toEqual([401, 401, 401, 401])
    const blocked = await from(userKey)
    expect([blocked.statusCode, Number(blocked.headers['retry-after']) > 0]).toEqual([429, true])
  })

  it('GET /urls/:id/risk is computed without a risk cache', async () => {
    const link = await shorten({ original_url: 'https://example.com/risk' })
    const risk = await apiApp.inject({ url: `/urls/${link.id}/risk`, headers: as(userKey) })
    expect(risk.statusCode).toBe(200)
    expect(risk.json()).toMatchObject({ url_id: link.id, tier: expect.any(String) })
  })

  it('every click the redirect plugin served is written by close(), rollups included', async () => {
    const link = await shorten({ original_url: 'https://example.com/counted' })
    const answers = await Promise.all(Array.from({ length: 120 }, () => redirect.inject(`/${link.short_code}`)))
    expect(answers.every((r) => r.statusCode === 302)).toBe(true)
    expect(await redirectsOf(link.id)).toBe(0) // held in memory: the flush interval is far away
    await redirect.close()
    await redirectDeps.close()
    redirectClosed = true
    expect(await redirectsOf(link.id)).toBe(120)
    expect(await rolledUp(link.id)).toBe(120)
  })
})
