import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../src/client.js'
import { resetIdSequence } from '../src/queries/reset-sequence.js'
import { users } from '../src/schema/users.js'
import { useTestDb } from './helpers/use-test-db.js'

describe('resetIdSequence, on a real database', () => {
  const t = useTestDb()
  let db: Db
  const nextId = async (name: string) => {
    const [row] = await db.insert(users).values({ username: name, email: `${name}@x.io` }).returning({ id: users.id })
    return row!.id
  }
  beforeAll(() => {
    db = t.db
  })

  it('on an empty table the first id stays 1', async () => {
    await resetIdSequence(db, 'users')
    expect(await nextId('first')).toBe(1)
  })

  it('moves the sequence past an explicitly inserted id', async () => {
    await db.insert(users).values({ id: 50, username: 'explicit', email: 'explicit@x.io' })
    await resetIdSequence(db, 'users')
    expect(await nextId('after')).toBe(51)
  })

  it('never moves it backwards, even when the highest rows are gone', async () => {
    await db.execute(sql`delete from users where id >= 50`)
    await resetIdSequence(db, 'users')
    expect(await nextId('later')).toBe(52)
  })

  it('works for every serial table', async () => {
    for (const table of ['users', 'urls', 'events'] as const) await expect(resetIdSequence(db, table)).resolves.toBeUndefined()
  })
})
