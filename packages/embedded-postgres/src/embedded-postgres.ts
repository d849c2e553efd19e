import { cpSync, existsSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { lockDataDir } from './data-dir-lock.js'
import { copyInitdbTemplate } from './initdb-template.js'

export type EmbeddedPostgresOptions = {
  /** Where the database files live (`<dataDir>/pgdata`); created when missing. */
  dataDir: string
  /**
   * A new database starts as a copy of this one's files (another data directory, closed cleanly) instead of running
   * initdb: tests start one database per file from one migrated template.
   */
  template?: string
  /** Client connections the socket accepts at once (default 1: see docs/decisions/2026-11-27-embedded-postgres.md). */
  maxConnections?: number
}

export type EmbeddedPostgres = {
  /** postgres:// URL of the socket on 127.0.0.1 (a free port), for postgres.js and the drizzle migrator. */
  url: string
  dataDir: string
  /** Milliseconds PGlite took to open (initdb or a template's copy on the first start). */
  openMs: number
  /**
   * How the data directory came to be: `existing` (a restart), `template` (a new one copied from the initdb'd
   * template made at install, or from `options.template`), `initdb` (a new one without a usable template).
   */
  created: 'existing' | 'template' | 'initdb'
  /** Stops accepting connections, closes PGlite (a clean shutdown: the files stay consistent) and releases the lock. */
  close(): Promise<void>
}

/**
 * Postgres compiled to WebAssembly (PGlite), served in this process over the Postgres wire protocol on 127.0.0.1, so
 * every postgres.js code path (array inserts, raw queries, the drizzle migrator) runs unchanged against it.
 * One process per data directory (a pid lock file): PGlite's files are not shared.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir)
  const release = lockDataDir(dataDir)
  try {
    const started = performance.now()
    const pgdata = join(dataDir, 'pgdata')
    let created: EmbeddedPostgres['created'] = 'existing'
    if (!existsSync(pgdata)) {
      created = 'initdb'
      try {
        if (options.template) {
          cpSync(join(resolve(options.template), 'pgdata'), pgdata, { recursive: true })
          created = 'template'
        } else if (copyInitdbTemplate(pgdata)) created = 'template'
      } catch {
        rmSync(pgdata, { recursive: true, force: true }) // a partial copy: initdb instead
      }
    }
    let db: PGlite
    try {
      db = await PGlite.create({ dataDir: pgdata })
    } catch (err) {
      if (created !== 'template') throw err
      // a template that does not open (damaged since it was made): start over the way it was done without one
      rmSync(pgdata, { recursive: true, force: true })
      created = 'initdb'
      db = await PGlite.create({ dataDir: pgdata })
    }
    const openMs = performance.now() - started
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: options.maxConnections ?? 1 })
    await server.start()
    let closing: Promise<void> | undefined
    return {
      url: `postgres://postgres:postgres@${server.getServerConn()}/postgres`,
      dataDir,
      openMs,
      created,
      close: () => {
        closing ??= (async () => {
          try {
            await server.stop()
            await db.close()
          } finally {
            release()
          }
        })()
        return closing
      },
    }
  } catch (err) {
    release()
    throw err
  }
}
