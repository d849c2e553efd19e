import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Config } from '@ghostlink/config'
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.js'

export type OpenedDatabase = {
  /** postgres:// URL to connect to */
  url: string
  embedded: boolean
  /** Connections a process may open to it: the embedded one serves a single client connection. */
  poolMax: number
  /** For the start-up log: where the data is, never a password. */
  description: string
  /** The embedded database's data directory: `existing`, or new from the initdb `template` or from `initdb`. */
  created?: EmbeddedPostgres['created']
  /** Closes the embedded database (a no-op for a server). */
  close(): Promise<void>
}

/** Host, port and database of a server URL, without the credentials. */
const describeServer = (url: string) => {
  const u = new URL(url)
  return `Postgres server ${u.hostname}:${u.port || '5432'}${u.pathname}`
}

type DatabaseConfig = Pick<Config, 'configured' | 'databaseUrl' | 'GHOSTLINK_DATA_DIR' | 'DATABASE_POOL_MAX'>

/** True when `pnpm start` has created the embedded database in GHOSTLINK_DATA_DIR. */
const embeddedDatabaseExists = (config: Pick<Config, 'GHOSTLINK_DATA_DIR'>) =>
  existsSync(join(resolve(config.GHOSTLINK_DATA_DIR), 'pgdata', 'PG_VERSION'))

/**
 * The database this environment configures: a Postgres server when DATABASE_URL or a DATABASE_* location variable
 * is set, else the embedded one in GHOSTLINK_DATA_DIR (started in this process; one process per directory).
 * `existingOnly`: the CLIs (`pnpm seed`, `pnpm keys`) serve both modes, so with nothing configured they use the
 * embedded database only once `pnpm start` has created it, and the platform's default server otherwise (`pnpm dev`).
 */
export async function openConfiguredDatabase(config: DatabaseConfig, options: { existingOnly?: boolean } = {}): Promise<OpenedDatabase> {
  if (config.configured.database === 'server' || (options.existingOnly && !embeddedDatabaseExists(config))) {
    return {
      url: config.databaseUrl,
      embedded: false,
      poolMax: config.DATABASE_POOL_MAX,
      description: describeServer(config.databaseUrl),
      close: async () => {},
    }
  }
  const pg = await startEmbeddedPostgres({ dataDir: config.GHOSTLINK_DATA_DIR })
  return {
    url: pg.url,
    embedded: true,
    poolMax: 1,
    description: `embedded Postgres (PGlite) in ${pg.dataDir}`,
    created: pg.created,
    close: pg.close,
  }
}
