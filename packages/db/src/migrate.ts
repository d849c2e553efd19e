import { fileURLToPath } from 'node:url'
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import { readMigrationFiles } from 'drizzle-orm/migrator'
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
 * The same migrations through a pool the caller already holds: the embedded database (PGlite) serves one client
 * connection, which the one-process entry opens once and shares (docs/decisions/2026-11-27-embedded-postgres.md).
 */
export const migrateDb = (db: PostgresJsDatabase<Record<string, unknown>>): Promise<void> => migrate(db, { migrationsFolder })

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

/**
 * How many of the committed migrations the database has not applied yet, judged as drizzle's migrator judges it
 * (a migration is applied when the newest row of drizzle.__drizzle_migrations is not older than its folder time).
 * A database, schema or table that does not exist yet counts as nothing applied. Used by the apps' wait step on
 * Kubernetes (deploy/k8s): pods of a release start once the migration Job has brought the schema to their version.
 */
export async function pendingMigrations(databaseUrl: string): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder })
  const client = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 })
  try {
    const [row] = await client<{ last: string | null }[]>`select max(created_at)::text as last from drizzle.__drizzle_migrations`
    const last = row?.last === null || row?.last === undefined ? -1 : Number(row.last)
    return migrations.filter((m) => m.folderMillis > last).length
  } catch (err) {
    // 3D000 no such database, 3F000 no such schema, 42P01 no such table: nothing applied yet
    if (['3D000', '3F000', '42P01'].includes((err as { code?: string }).code ?? '')) return migrations.length
    throw err
  } finally {
    await client.end({ timeout: 5 })
  }
}
