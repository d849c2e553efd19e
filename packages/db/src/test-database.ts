import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { runMigrations } from './migrate.js'

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export type TestDatabase = { url: string; name: string; drop: () => Promise<void> }

// Lives here, not in packages/testing, so this package's own tests can use it: @ghostlink/testing depends on
// @ghostlink/db, and a dependency back would be a cycle that turbo refuses. Tests elsewhere take it from @ghostlink/testing.

/**
 * Creates a fresh, migrated database for one test file; `drop()` removes it (and kicks out stray connections).
 * `adminUrl`: another server's maintenance database (a bench's own cluster); the shared server by default.
 */
export async function createTestDatabase(adminUrl = ADMIN_URL): Promise<TestDatabase> {
  const name = `gl_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database ${name}`)
  } finally {
    await admin.end({ timeout: 5 })
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  await runMigrations(url.toString())
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await sql.end({ timeout: 5 })
      }
    },
  }
}
