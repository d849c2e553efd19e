import { fileURLToPath } from 'node:url'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'

export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url))

/** Applies the committed SQL migrations in drizzle/ (idempotent; tracked in drizzle.__drizzle_migrations). */
export async function runMigrations(databaseUrl: string): Promise<void> {
  const client = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    await migrate(drizzle({ client }), { migrationsFolder })
  } finally {
    await client.end({ timeout: 5 })
  }
}

/**
 * Creates the target database when it does not exist yet (a fresh machine's quick start), connecting to the
 * server's `postgres` maintenance database with the same credentials. Returns true when it created it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const target = new URL(databaseUrl)
  const name = decodeURIComponent(target.pathname.slice(1))
  const maintenance = new URL(databaseUrl)
  maintenance.pathname = '/postgres'
  const sql = postgres(maintenance.toString(), { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql<{ exists: boolean }[]>`select exists(select 1 from pg_database where datname = ${name}) as exists`
    if (row?.exists) return false
    await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`)
    return true
  } finally {
    await sql.end({ timeout: 5 })
  }
}
