import { afterAll, beforeAll } from 'vitest'
import { closeDb, createDb, type Db } from '../../src/client.js'
import { createTestDatabase, type TestDatabase } from '../../src/test-database.js'

/** A fresh, migrated database for the calling test file: opened before its tests, dropped after them. */
export function useTestDb(): { readonly db: Db } {
  const ctx = {} as { db: Db; tdb: TestDatabase }
  beforeAll(async () => {
    ctx.tdb = await createTestDatabase()
    ctx.db = createDb(ctx.tdb.url, 2)
  })
  afterAll(async () => {
    await closeDb(ctx.db)
    await ctx.tdb.drop()
  })
  return ctx
}
