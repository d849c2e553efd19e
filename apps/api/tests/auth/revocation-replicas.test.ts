import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, bearer, buildTokenApp, createUser, userKey } from '../helpers/auth.js'
import { buildApp, type TestApp } from '../helpers/build-app.js'

/**
 * Two API replicas, each with its own Postgres pool and Redis client, serving real HTTP. A key that replica B has
 * just authenticated (and so holds in its cache) is revoked through replica A; B must refuse it within 1 s.
 */
let a: TestApp
let b: TestApp
let urlA: string
let urlB: string

beforeAll(async () => {
  a = await buildTokenApp()
  b = await buildApp({ replicaOf: a, env: { AUTH_MODE: 'token', GHOSTLINK_ADMIN_KEY: ADMIN_KEY } })
  urlA = await a.app.listen({ host: '127.0.0.1', port: 0 })
  urlB = await b.app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(async () => {
  await b?.close()
  await a?.close()
})

describe('revocation across replicas', () => {
  it('a key revoked on one replica is refused by the other within 1 s', async () => {
    const user = await createUser(a)
    const key = await userKey(a, user)
    // warm B's cache with the key
    for (let i = 0; i < 3; i++) expect((await fetch(`${urlB}/users/me`, { headers: bearer(key.key) })).status).toBe(200)

    const revoked = await fetch(`${urlA}/keys/${key.id}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) })
    expect(await revoked.json()).toEqual({ message: 'revoked', id: key.id })
    const since = Date.now()
    // A forgets it at once
    expect((await fetch(`${urlA}/users/me`, { headers: bearer(key.key) })).status).toBe(401)

    let status = 200
    while (status !== 401 && Date.now() - since < 3_000) {
      status = (await fetch(`${urlB}/users/me`, { headers: bearer(key.key) })).status
      if (status !== 401) await new Promise((r) => setTimeout(r, 20))
    }
    const elapsed = Date.now() - since
    expect(status).toBe(401)
    expect(elapsed).toBeLessThan(1_000)
    // and it stays refused
    expect((await fetch(`${urlB}/users/me`, { headers: bearer(key.key) })).status).toBe(401)
  })
})
