import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closeDb, createDb, migrateDb } from '@ghostlink/db'
import { startEmbeddedPostgres } from '@ghostlink/embedded-postgres'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  interface ProvidedContext {
    /** A migrated embedded database, closed cleanly: each test file's database starts as a copy of its files. */
    embeddedTemplate: string
  }
}

/** globalSetup of the contract run: initdb and the migrations once, not once per test file. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'gl-contract-template-'))
  const pg = await startEmbeddedPostgres({ dataDir: dir })
  const db = createDb(pg.url, 1)
  await migrateDb(db)
  await closeDb(db)
  await pg.close()
  project.provide('embeddedTemplate', dir)
  return () => rmSync(dir, { recursive: true, force: true })
}
