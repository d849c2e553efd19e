import { type ApiKey, apiKeys, type Db, users } from '@ghostlink/db'
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import type { Caller } from './caller.js'
import { generateKeySecret, hashKeySecret, keyPrefixOf } from './key-secret.js'

/** The built-in user that owns the bootstrap admin keys (GHOSTLINK_ADMIN_KEY, `pnpm keys create --admin`). */
export const ADMIN_USERNAME = 'admin'
const ADMIN_EMAIL = 'admin@ghostlink.invalid'

export type NewKey = { userId: number; scope: 'admin' | 'user'; name: string | null }

/** A key as GET /keys lists it: never the secret, nor its hash. */
export const toKeyObject = (k: ApiKey) => ({
  id: k.id,
  prefix: k.prefix,
  scope: k.scope,
  user_id: k.user_id,
  name: k.name,
  created_at: k.created_at.toISOString(),
  revoked_at: k.revoked_at?.toISOString() ?? null,
})

/** Creates a key and returns it with its secret: the only moment the secret exists outside its holder. */
export async function createKey(db: Db, input: NewKey) {
  const secret = generateKeySecret()
  const [row] = await db
    .insert(apiKeys)
    .values({ user_id: input.userId, scope: input.scope, name: input.name, prefix: keyPrefixOf(secret), hash: hashKeySecret(secret) })
    .returning()
  if (!row) throw new Error('insert returned no row')
  const { id, key, prefix, scope, user_id, name, created_at } = { ...toKeyObject(row), key: secret }
  return { id, key, prefix, scope, user_id, name, created_at }
}

/** The active key with this hash, as a caller; null when unknown or revoked. */
export async function findCallerByHash(db: Db, hash: string): Promise<(Caller & { hash: string }) | null> {
  const [row] = await db
    .select({ keyId: apiKeys.id, userId: apiKeys.user_id, scope: apiKeys.scope, hash: apiKeys.hash })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revoked_at)))
  return row ?? null
}

export async function findKey(db: Db, id: number): Promise<ApiKey | null> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id))
  return row ?? null
}

/** Every key (userId undefined) or one user's keys, by id. */
export async function listKeys(db: Db, userId?: number): Promise<ApiKey[]> {
  const where = userId === undefined ? undefined : eq(apiKeys.user_id, userId)
  return db.select().from(apiKeys).where(where).orderBy(asc(apiKeys.id))
}

/** Marks the key revoked (idempotent: the first revocation time is kept). */
export async function revokeKey(db: Db, id: number): Promise<void> {
  await db
    .update(apiKeys)
    .set({ revoked_at: sql`coalesce(${apiKeys.revoked_at}, now() at time zone 'utc')` })
    .where(eq(apiKeys.id, id))
}

/** The built-in `admin` user's id, created on first use (an existing user named `admin` is that user). */
export async function ensureAdminUser(db: Db): Promise<number> {
  await db.insert(users).values({ username: ADMIN_USERNAME, email: ADMIN_EMAIL }).onConflictDoNothing()
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.username, ADMIN_USERNAME))
  if (!row) throw new Error('built-in admin user could not be created (is its e-mail taken?)')
  return row.id
}

/**
 * Registers GHOSTLINK_ADMIN_KEY as an admin key of the built-in user, by its hash. A row that exists is left alone:
 * a revoked bootstrap key stays revoked across restarts (rotation: set a new value, restart, revoke the old key).
 */
export async function ensureBootstrapKey(db: Db, secret: string): Promise<void> {
  const userId = await ensureAdminUser(db)
  await db
    .insert(apiKeys)
    .values({ user_id: userId, scope: 'admin', name: 'GHOSTLINK_ADMIN_KEY', prefix: keyPrefixOf(secret), hash: hashKeySecret(secret) })
    .onConflictDoNothing({ target: apiKeys.hash })
}
