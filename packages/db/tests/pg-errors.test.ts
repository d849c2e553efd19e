import { beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../src/client.js'
import { isForeignKeyViolation, isUniqueViolation } from '../src/pg-errors.js'
import { urls } from '../src/schema/urls.js'
import { users } from '../src/schema/users.js'
import { useTestDb } from './helpers/use-test-db.js'

/** The error a failing query throws, as drizzle hands it over (the driver error wrapped in `cause`). */
const failure = async (query: Promise<unknown>) => {
  try {
    await query
  } catch (err) {
    return err
  }
  throw new Error('the query did not fail')
}

describe('Postgres error helpers, on errors from the real database', () => {
  const t = useTestDb()
  let db: Db
  beforeAll(async () => {
    db = t.db
    await db.insert(users).values({ id: 1, username: 'ann', email: 'ann@x.io' })
  })

  it('recognises a unique violation, by constraint when one is named', async () => {
    const err = await failure(db.insert(users).values({ id: 2, username: 'ann', email: 'other@x.io' }))
    expect(isUniqueViolation(err)).toBe(true)
    expect(isUniqueViolation(err, 'users_username_unique')).toBe(true)
    expect(isUniqueViolation(err, 'users_email_unique')).toBe(false)
    expect(isForeignKeyViolation(err)).toBe(false)
  })

  it('recognises a foreign-key violation, by constraint when one is named', async () => {
    const err = await failure(db.insert(urls).values({ user_id: 999, short_code: 'abc123', original_url: 'https://example.com' }))
    expect(isForeignKeyViolation(err)).toBe(true)
    expect(isForeignKeyViolation(err, 'urls_user_id_users_id_fk')).toBe(true)
    expect(isForeignKeyViolation(err, 'events_user_id_users_id_fk')).toBe(false)
    expect(isUniqueViolation(err)).toBe(false)
  })

  it('is false for anything that is not a Postgres error', () => {
    expect(isUniqueViolation(new Error('boom'))).toBe(false)
    expect(isUniqueViolation(undefined)).toBe(false)
    expect(isForeignKeyViolation({ code: 23503 })).toBe(false)
  })
})
