import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAX_IMPORTED_ID, importUsers, users } from '@ghostlink/db'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildApp, type TestApp } from '../helpers/build-app.js'

// Issue 13 item 1: an id at the top of the serial range answered 500 yet stored the row, and broke every later import.
let t: TestApp
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gl-idrange-'))
  writeFileSync(join(dataDir, 'top.csv'), 'id,username,email\n2147483647,top,top@x.io\n5,five,five@x.io\n')
  writeFileSync(join(dataDir, 'near.csv'), `id,username,email\n${MAX_IMPORTED_ID + 1},near,near@x.io\n`)
  writeFileSync(join(dataDir, 'edge.csv'), `id,username,email\n${MAX_IMPORTED_ID},edge,edge@x.io\n,gen,gen@x.io\n`)
  writeFileSync(join(dataDir, 'later.csv'), 'id,username,email\n7,seven,seven@x.io\n,anon,anon@x.io\n')
  t = await buildApp({ env: { DATA_DIR: dataDir } })
})
afterAll(async () => {
  await t.close()
  rmSync(dataDir, { recursive: true, force: true })
})
beforeEach(async () => {
  await t.db.delete(users)
})

const bulk = (file: string) =>
  t.app.inject({ method: 'POST', url: '/users/bulk', payload: { file }, headers: { 'content-type': 'application/json' } })
const createUser = (username: string) =>
  t.app.inject({ method: 'POST', url: '/users', payload: { username, email: `${username}@x.io` } })

describe('bulk import ids stay in the range the sequence can serve', () => {
  it('skips an id at the serial maximum with a reason; the other rows import and POST /users keeps working', async () => {
    const res = await bulk('top.csv')
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ processed: 2, imported: 1, skipped: 1 })
    expect(await t.db.$count(users, eq(users.username, 'top'))).toBe(0)
    const created = await createUser('after')
    expect(created.statusCode).toBe(201)
    expect(created.json().id).toBeLessThan(MAX_IMPORTED_ID)
    expect((await bulk('later.csv')).statusCode).toBe(201)
  })

  it('reports the reason for the skipped row', async () => {
    const rows = [{ id: String(MAX_IMPORTED_ID + 1), username: 'near', email: 'near@x.io' }]
    const result = await importUsers(t.db, rows)
    expect(result.skippedSample).toEqual([{ line: 2, id: null, username: 'near', reason: 'id out of range' }])
    expect((await bulk('near.csv')).json()).toMatchObject({ imported: 0, skipped: 1 })
  })

  it('accepts the largest allowed id; generated ids continue after it', async () => {
    expect((await bulk('edge.csv')).json()).toMatchObject({ imported: 2, skipped: 0 })
    const [gen] = await t.db.select().from(users).where(eq(users.username, 'gen'))
    expect(gen?.id).toBe(MAX_IMPORTED_ID + 1)
    expect((await createUser('next')).json().id).toBe(MAX_IMPORTED_ID + 2)
  })

  it('a row already holding the last serial id (stored before this fix) no longer turns later imports into 500s', async () => {
    await t.db.insert(users).values({ id: 2_147_483_647, username: 'legacy', email: 'legacy@x.io' })
    const res = await bulk('later.csv')
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ imported: 1, skipped: 1 })
    expect(await t.db.$count(users, eq(users.username, 'seven'))).toBe(1)
  })
})
