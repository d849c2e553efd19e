import { Readable } from 'node:stream'
import { asc, sql } from 'drizzle-orm'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../src/client.js'
import { importUsers, importUsersCsv } from '../src/queries/import-users.js'
import { users } from '../src/schema/users.js'
import { useTestDb } from './helpers/use-test-db.js'

const rows = async (db: Db) => db.select().from(users).orderBy(asc(users.id))

describe('importUsers (docs/CONTRACT.md#c-1-12), on a real database', () => {
  const t = useTestDb()
  let db: Db
  beforeAll(() => {
    db = t.db
  })
  beforeEach(async () => {
    await db.execute(sql`truncate users restart identity cascade`)
  })

  it('keeps explicit ids, trims fields, reads created_at as naive UTC and moves the sequence past the imported ids', async () => {
    const result = await importUsers(db, [
      { id: '7', username: ' ann ', email: ' ann@x.io ', created_at: '2025-01-02 03:04:05' },
      { id: '', username: 'bob', email: 'bob@x.io' },
    ])
    expect(result).toEqual({ processed: 2, imported: 2, skipped: 0, skippedSample: [] })
    const [ann, bob] = await rows(db)
    expect(ann).toMatchObject({ id: 7, username: 'ann', email: 'ann@x.io' })
    expect(ann?.created_at.toISOString()).toBe('2025-01-02T03:04:05.000Z')
    expect(bob?.id).toBe(8) // generated after the explicit id, never colliding with it
    const [next] = await db.insert(users).values({ username: 'carl', email: 'carl@x.io' }).returning({ id: users.id })
    expect(next?.id).toBe(9)
  })

  it('skips blank, too long, control-character and duplicate rows with their CSV line and reason; counts stay honest', async () => {
    await db.insert(users).values({ id: 1, username: 'taken', email: 'taken@x.io' })
    const result = await importUsers(
      db,
      [
        { id: '2', username: '', email: 'a@x.io' },
        { id: '3', username: 'x'.repeat(101), email: 'b@x.io' },
        { id: '4', username: 'nul\u0000name', email: 'c@x.io' },
        { id: '1', username: 'fresh', email: 'fresh@x.io' },
        { id: '5', username: 'taken', email: 'd@x.io' },
        { id: '6', username: 'dup', email: 'dup1@x.io' },
        { id: '', username: 'dup', email: 'dup2@x.io' },
        { id: '9', username: 'ok', email: 'ok@x.io' },
      ],
      { sampleSize: 3 },
    )
    expect(result.processed).toBe(8)
    expect(result.imported).toBe(2)
    expect(result.skipped).toBe(6)
    expect(result.imported + result.skipped).toBe(result.processed)
    expect(result.skippedSample).toEqual([
      { line: 2, id: null, username: '', reason: 'blank username or email' },
      { line: 3, id: null, username: 'x'.repeat(100), reason: 'too long or invalid characters' },
      { line: 4, id: null, username: 'nul\u0000name', reason: 'too long or invalid characters' },
    ])
    expect((await rows(db)).map((u) => u.username)).toEqual(['taken', 'dup', 'ok'])
  })

  it('treats a non-positive id as absent and skips one past MAX_IMPORTED_ID (the sequence must stay servable)', async () => {
    const result = await importUsers(db, [
      { id: '0', username: 'zero', email: 'z@x.io' },
      { id: '2147483648', username: 'big', email: 'big@x.io' },
      { id: '-3', username: 'neg', email: 'neg@x.io' },
    ])
    expect((await rows(db)).map((u) => [u.id, u.username])).toEqual([
      [1, 'zero'],
      [2, 'neg'],
    ])
    expect(JSON.stringify(result)).toContain('id out of range')
  })

  it('imports across batch boundaries and honours rowLimit', async () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ id: String(i + 1), username: `u${i}`, email: `u${i}@x.io` }))
    const limited = await importUsers(db, many, { batchSize: 4, rowLimit: 10 })
    expect(limited).toMatchObject({ processed: 10, imported: 10, skipped: 0 })
    const rest = await importUsers(db, many, { batchSize: 4 })
    expect(rest).toMatchObject({ processed: 25, imported: 15, skipped: 10 })
    expect(await rows(db)).toHaveLength(25)
  })

  it('importUsersCsv reads the CSV form the seed and POST /users/bulk use', async () => {
    const csv = Readable.from(['id,username,email,created_at\n', '3,ann,ann@x.io,2024-06-01 00:00:00\n', ',bob,bob@x.io,\n'])
    expect(await importUsersCsv(db, csv)).toMatchObject({ processed: 2, imported: 2, skipped: 0 })
    expect((await rows(db)).map((u) => [u.id, u.username])).toEqual([
      [3, 'ann'],
      [4, 'bob'],
    ])
  })
})
