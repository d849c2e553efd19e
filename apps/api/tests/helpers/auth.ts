import { randomUUID } from 'node:crypto'
import { quarantinedCodes, urls, users } from '@ghostlink/db'
import { createKey, revokeKey } from '../../src/auth/key-store.js'
import { type BuildAppOptions, buildApp, type TestApp } from './build-app.js'

/** The bootstrap admin key every token-mode test app accepts (GHOSTLINK_ADMIN_KEY). */
export const ADMIN_KEY = `gl_test-admin-${'k'.repeat(40)}`

/** The API in token mode with a bootstrap admin key; `env` adds or overrides. */
export const buildTokenApp = (opts: BuildAppOptions = {}): Promise<TestApp> =>
  buildApp({ ...opts, env: { AUTH_MODE: 'token', GHOSTLINK_ADMIN_KEY: ADMIN_KEY, ...opts.env } })

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

const suffix = () => randomUUID().slice(0, 8)

export async function createUser(t: TestApp, name = 'user'): Promise<number> {
  const tag = `${name}${suffix()}`
  const [row] = await t.db.insert(users).values({ username: tag, email: `${tag}@example.com` }).returning({ id: users.id })
  return row!.id
}

export async function createLink(t: TestApp, userId: number | null): Promise<{ id: number; short_code: string }> {
  const [row] = await t.db
    .insert(urls)
    // a letter first: a code of hex digits only would be read as a link id by GET /urls/<code>; nine random hex
    // digits after it (the column's 10 characters): six collided within one test database (CI, 2026-11-28)
    .values({ user_id: userId, short_code: `c${randomUUID().replaceAll('-', '').slice(0, 9)}`, original_url: 'https://example.com/' })
    .returning({ id: urls.id, short_code: urls.short_code })
  return row!
}

export async function userKey(t: TestApp, userId: number, scope: 'user' | 'admin' = 'user') {
  return createKey(t.db, { userId, scope, name: null })
}

export async function revokedKey(t: TestApp, userId: number): Promise<string> {
  const k = await createKey(t.db, { userId, scope: 'user', name: null })
  await revokeKey(t.db, k.id)
  return k.key
}

export async function quarantine(t: TestApp, code: string): Promise<void> {
  await t.db.insert(quarantinedCodes).values({ short_code: code, actor: 'test' })
}

