import type { Config } from '@ghostlink/config'
import { apiKeys, type Db } from '@ghostlink/db'
import { eq } from 'drizzle-orm'
import { createKey, ensureAdminUser } from './key-store.js'

/**
 * Secure from the first start (issue 11): in token mode, with no bootstrap key configured (GHOSTLINK_ADMIN_KEY) and
 * no admin key ever stored, creates an admin key of the built-in admin user and returns its secret, which the caller
 * prints once; only its hash is stored. Otherwise returns null. A revoked admin key counts as stored: revoking the
 * last admin key never makes a restart hand out a new one (`pnpm keys create --admin` does, deliberately).
 */
export async function ensureFirstAdminKey(db: Db, config: Pick<Config, 'AUTH_MODE' | 'GHOSTLINK_ADMIN_KEY'>): Promise<string | null> {
  if (config.AUTH_MODE !== 'token' || config.GHOSTLINK_ADMIN_KEY !== '') return null
  const [stored] = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.scope, 'admin')).limit(1)
  if (stored) return null
  const userId = await ensureAdminUser(db)
  const key = await createKey(db, { userId, scope: 'admin', name: 'first start' })
  return key.key
}
