import type { Db } from '@ghostlink/db'
import type { Caller } from './caller.js'
import { hashKeySecret, sameHash } from './key-secret.js'
import { ensureBootstrapKey, findCallerByHash } from './key-store.js'

export type Authenticator = {
  /** The caller a secret belongs to; null for an unknown or revoked key. */
  authenticate(secret: string): Promise<Caller | null>
  /** Forgets a key at once on this replica (revocation); other replicas forget it within the cache TTL. */
  forget(keyId: number): void
}

type Entry = { caller: Caller; expires: number }
const MAX_ENTRIES = 10_000

/**
 * Key lookups by SHA-256 hash, cached per replica for `ttlMs` (≤ 1 s, AUTH_CACHE_TTL_MS): revocation is a row update in
 * Postgres, so every replica refuses a revoked key within the TTL with no message to lose
 * (docs/decisions/2026-11-27-api-key-revocation.md). Only keys that authenticated are cached.
 */
export function createAuthenticator(opts: { db: Db; ttlMs: number; bootstrapSecret: string }): Authenticator {
  const cache = new Map<string, Entry>()
  const bootstrapHash = opts.bootstrapSecret === '' ? null : hashKeySecret(opts.bootstrapSecret)
  let bootstrapped: Promise<void> | null = null

  // lazily, so the API starts (and answers /health) while Postgres is down
  const ensureBootstrap = () => {
    bootstrapped ??= ensureBootstrapKey(opts.db, opts.bootstrapSecret).catch((err) => {
      bootstrapped = null
      throw err
    })
    return bootstrapped
  }

  return {
    async authenticate(secret) {
      const hash = hashKeySecret(secret)
      const hit = cache.get(hash)
      if (hit && hit.expires > Date.now()) return hit.caller
      cache.delete(hash)
      const isBootstrap = bootstrapHash !== null && sameHash(hash, bootstrapHash)
      if (isBootstrap) await ensureBootstrap()
      let row = await findCallerByHash(opts.db, hash)
      // the built-in user was deleted (and its keys with it): register the bootstrap key again. A revoked one stays
      // revoked: ensureBootstrapKey never touches an existing row.
      if (!row && isBootstrap) {
        await ensureBootstrapKey(opts.db, opts.bootstrapSecret)
        row = await findCallerByHash(opts.db, hash)
      }
      // the index found the row by hash; the constant-time comparison is the belt to that brace
      if (!row || !sameHash(row.hash, hash)) return null
      const caller: Caller = { keyId: row.keyId, userId: row.userId, scope: row.scope }
      if (opts.ttlMs > 0) {
        if (cache.size >= MAX_ENTRIES) cache.clear()
        cache.set(hash, { caller, expires: Date.now() + opts.ttlMs })
      }
      return caller
    },
    forget(keyId) {
      for (const [hash, entry] of cache) if (entry.caller.keyId === keyId) cache.delete(hash)
    },
  }
}
