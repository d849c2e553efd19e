import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { closeDb, createDb, type Db, events, runSeed, type SeedReport, urls, users } from '@ghostlink/db'
import { createTestDatabase, type TestDatabase } from '@ghostlink/testing'
import { and, eq, isNotNull, isNull } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The reference CSVs of the original (docs/CONTRACT.md#c-2-seed), committed in data/reference.
const SEED_DIR = fileURLToPath(new URL('../../../data/reference', import.meta.url))
const DB_PACKAGE = fileURLToPath(new URL('../../../packages/db', import.meta.url))

let tdb: TestDatabase
let db: Db
let first: SeedReport

beforeAll(async () => {
  expect(existsSync(`${SEED_DIR}/users.csv`)).toBe(true)
  tdb = await createTestDatabase()
  db = createDb(tdb.url, 2)
  first = await runSeed(db, SEED_DIR)
})
afterAll(async () => {
  await closeDb(db)
  await tdb.drop()
})

describe('seed (docs/CONTRACT.md#c-2-seed, docs/CONTRACT.md#c-11-2-3)', () => {
  it('loads 399 users and reports the duplicate username at id 37', async () => {
    expect(first.users).toMatchObject({ read: 400, inserted: 399, skipped: 1 })
    expect(first.users.notes.join('\n')).toContain('vividquartz67')
    expect(await db.$count(users)).toBe(399)
    expect(await db.$count(users, eq(users.id, 37))).toBe(0)
    const [u27] = await db.select().from(users).where(eq(users.id, 27))
    expect(u27?.username).toBe('vividquartz67')
  })

  it('loads 2000 urls with True/False read right and the lost owner set to NULL', async () => {
    expect(first.urls).toMatchObject({ read: 2000, inserted: 2000, skipped: 0 })
    expect(await db.$count(urls)).toBe(2000)
    expect(await db.$count(urls, eq(urls.is_active, true))).toBe(1620)
    expect(await db.$count(urls, eq(urls.is_active, false))).toBe(380)
    const orphaned = await db.$count(urls, isNull(urls.user_id))
    expect(orphaned).toBe(first.urls.ownerNulled)
    expect(orphaned).toBeGreaterThan(0) // the URLs of user 37
    const [u1] = await db.select().from(urls).where(eq(urls.id, 1))
    expect(u1).toMatchObject({ user_id: 1, short_code: 'dRT8sC', original_url: 'https://relay.cloud/ember/orbit/1', title: 'Launch deck canyon', is_active: true })
    expect(u1?.created_at.toISOString()).toBe('2026-01-07T02:56:00.000Z')
  })

  it('loads 3422 events with their details kept as jsonb', async () => {
    expect(first.events).toMatchObject({ read: 3422, inserted: 3422, skipped: 0 })
    expect(await db.$count(events)).toBe(3422)
    expect(await db.$count(events, isNotNull(events.details))).toBe(3422)
    const [e1] = await db.select().from(events).where(eq(events.id, 1))
    expect(e1).toMatchObject({ url_id: 1, user_id: 1, event_type: 'created', details: { short_code: 'dRT8sC', original_url: 'https://relay.cloud/ember/orbit/1' } })
    expect(await db.$count(events, and(eq(events.event_type, 'deleted'), isNotNull(events.details)))).toBe(216)
    expect(await db.$count(events, isNull(events.user_id))).toBe(first.events.ownerNulled)
  })

  it('moves every sequence past the loaded ids', async () => {
    const [u] = await db.insert(users).values({ username: 'after-seed', email: 'after@seed.io' }).returning()
    const [l] = await db.insert(urls).values({ short_code: 'afterS', original_url: 'https://x.io' }).returning()
    const [e] = await db.insert(events).values({ url_id: l!.id, event_type: 'created' }).returning()
    expect([u?.id, l?.id, e?.id]).toEqual([401, 2001, 3423])
    await db.delete(events).where(eq(events.id, 3423))
    await db.delete(urls).where(eq(urls.id, 2001))
    await db.delete(users).where(eq(users.id, 401))
  })

  it('is idempotent: `pnpm seed` with no argument reads data/reference again and inserts nothing', async () => {
    const { stdout } = await promisify(execFile)('node', ['--conditions=development', '--import', 'tsx', 'src/cli/seed.ts'], {
      cwd: DB_PACKAGE,
      env: { ...process.env, DATABASE_URL: tdb.url, SEED_DIR: '' },
    })
    expect(stdout).toContain(`seeding from ${SEED_DIR}`)
    expect(stdout).toMatch(/users\s+read 400, inserted 0, skipped 400/)
    expect(stdout).toMatch(/urls\s+read 2000, inserted 0, skipped 2000/)
    expect(stdout).toMatch(/events read 3422, inserted 0, skipped 3422/)
    expect([await db.$count(users), await db.$count(urls), await db.$count(events)]).toEqual([399, 2000, 3422])
  }, 30_000)
})
