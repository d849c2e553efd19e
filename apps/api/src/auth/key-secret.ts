import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** Every generated key starts with this; `gl_` + 8 characters is the visible prefix shown in GET /keys. */
export const KEY_PREFIX = 'gl_'
const PREFIX_LENGTH = KEY_PREFIX.length + 8

/** A new secret: `gl_` + 256 random bits in base64url (43 characters). */
export const generateKeySecret = (): string => `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`

/** SHA-256 suits random 256-bit secrets (no salt or slow hash needed: there is no dictionary to attack). */
export const hashKeySecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex')

/** What identifies a key to its holder without revealing it; a bootstrap key not made by us shows no characters. */
export const keyPrefixOf = (secret: string): string => (secret.startsWith(KEY_PREFIX) ? secret.slice(0, PREFIX_LENGTH) : 'env')

/** Constant-time equality of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y)
}

/**
 * `Authorization: Bearer <token>` → the token, or null when the header is malformed (RFC 6750 token68 syntax, at most
 * 256 characters). Only the header is ever read: a key in a query string is never accepted.
 */
export function bearerToken(header: string): string | null {
  const m = /^Bearer +([A-Za-z0-9\-._~+/]{1,256}=*) *$/i.exec(header)
  return m?.[1] ?? null
}
