import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, bearer, buildTokenApp, createUser, userKey } from '../helpers/auth.js'
import { buildApp, type TestApp } from '../helpers/build-app.js'

const LIMITS = { API_KEY_WRITES_PER_MIN: '3', API_KEY_READS_PER_MIN: '5', AUTH_FAILURES_PER_MIN: '4' }
let a: TestApp
let b: TestApp

beforeAll(async () => {
  a = await buildTokenApp({ env: LIMITS })
  // a second replica on the same Redis prefix: the counters are shared
  b = await buildApp({ replicaOf: a, env: { AUTH_MODE: 'token', GHOSTLINK_ADMIN_KEY: ADMIN_KEY, ...LIMITS } })
})
afterAll(async () => {
  await b?.close()
  await a?.close()
})

describe('per-key limits', () => {
  it('reads per key per minute are counted across replicas; the 429 is JSON with Retry-After and RateLimit-*', async () => {
    const key = (await userKey(a, await createUser(a))).key
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await (i % 2 ? b : a).app.inject({ url: '/keys', headers: bearer(key) })).statusCode)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
    const res = await a.app.inject({ url: '/users/me', headers: bearer(key) })
    expect(res.statusCode).toBe(429)
    expect(res.json()).toEqual({ error: 'Too many requests', code: 429 })
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    expect(res.headers['ratelimit-limit']).toBe('5')
    expect(res.headers['ratelimit-remaining']).toBe('0')
    expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0)
  })

  it('writes have their own budget, and one key running out does not touch another', async () => {
    const user = await createUser(a)
    const k1 = (await userKey(a, user)).key
    const k2 = (await userKey(a, user)).key
    const write = (t: TestApp, key: string) =>
      t.app.inject({ method: 'POST', url: '/keys', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: '{}' })
    const statuses = [await write(a, k1), await write(b, k1), await write(a, k1), await write(b, k1)].map((r) => r.statusCode)
    expect(statuses).toEqual([201, 201, 201, 429])
    // reads of the same key still pass, and the other key still writes
    expect((await a.app.inject({ url: '/users/me', headers: bearer(k1) })).statusCode).toBe(200)
    expect((await write(a, k2)).statusCode).toBe(201)
    // a successful answer shows the budget
    const ok = await a.app.inject({ url: '/users/me', headers: bearer(k2) })
    expect(ok.headers['ratelimit-limit']).toBe('5')
  })
})

describe('failed authentications per client IP', () => {
  it('after the limit, the IP gets 429 even with a valid key until the window passes', async () => {
    const key = (await userKey(a, await createUser(a))).key
    const from = (t: TestApp, ip: string, k: string) => t.app.inject({ url: '/users/me', headers: bearer(k), remoteAddress: ip })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await from(i % 2 ? b : a, '10.9.8.7', `gl_guess${i}`)).statusCode)
    expect(statuses).toEqual([401, 401, 401, 401])
    const blocked = await from(a, '10.9.8.7', key)
    expect(blocked.statusCode).toBe(429)
    expect(blocked.json()).toEqual({ error: 'Too many requests', code: 429 })
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    // another IP is not affected
    expect((await from(b, '10.9.8.8', key)).statusCode).toBe(200)
    // a missing key is not a guess
    for (let i = 0; i < 6; i++) expect((await a.app.inject({ url: '/users/me', remoteAddress: '10.9.8.9' })).statusCode).toBe(401)
    expect((await from(a, '10.9.8.9', key)).statusCode).toBe(200)
  })
})
