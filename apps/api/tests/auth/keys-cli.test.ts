import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, buildTokenApp, createUser } from '../helpers/auth.js'
import type { TestApp } from '../helpers/build-app.js'

const apiDir = fileURLToPath(new URL('../../', import.meta.url))
let t: TestApp
beforeAll(async () => {
  t = await buildTokenApp()
})
afterAll(async () => t?.close())

const keys = (...args: string[]) =>
  spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', 'src/cli/keys.ts', ...args], {
    cwd: apiDir,
    env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  })

describe('pnpm keys', () => {
  it('create --admin prints a working admin key once, alone on stdout; revoke turns it off', async () => {
    const out = keys('create', '--admin', '--name', 'ops')
    expect(out.status, out.stderr).toBe(0)
    const key = out.stdout.trim()
    expect(key).toMatch(/^gl_[A-Za-z0-9_-]{43}$/)
    expect(out.stderr).not.toContain(key)
    const me = await t.app.inject({ url: '/users/me', headers: bearer(key) })
    expect(me.json().username).toBe('admin')
    expect((await t.app.inject({ url: '/users', headers: bearer(key) })).statusCode).toBe(200)

    const listed = keys('list')
    expect(listed.stdout).not.toContain(key)
    const id = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((k) => k.name === 'ops').id
    expect(keys('revoke', String(id)).status).toBe(0)
    await new Promise((r) => setTimeout(r, 600)) // the app's key cache (AUTH_CACHE_TTL_MS 500)
    expect((await t.app.inject({ url: '/users/me', headers: bearer(key) })).statusCode).toBe(401)
  })

  it('create --user makes a user key; bad arguments exit 2 with usage', async () => {
    const user = await createUser(t)
    const out = keys('create', '--user', String(user))
    expect(out.status, out.stderr).toBe(0)
    const me = await t.app.inject({ url: '/users/me', headers: bearer(out.stdout.trim()) })
    expect(me.json().id).toBe(user)
    expect((await t.app.inject({ url: '/users', headers: bearer(out.stdout.trim()) })).statusCode).toBe(403)

    expect(keys('create').status).toBe(2)
    expect(keys('create', '--user', '2147483000').stderr).toContain('no user with id')
    expect(keys('frobnicate').stderr).toContain('usage:')
  })
})
