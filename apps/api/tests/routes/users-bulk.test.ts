import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { users } from '@ghostlink/db'
import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildApp, type TestApp } from '../helpers/build-app.js'

// The 400-row reference file of the original (docs/CONTRACT.md#c-2-seed), committed in data/reference.
const REFERENCE_USERS = fileURLToPath(new URL('../../../../data/reference/users.csv', import.meta.url))

let t: TestApp
let dataDir: string
let outside: string

beforeAll(async () => {
  outside = mkdtempSync(join(tmpdir(), 'gl-bulk-'))
  dataDir = join(outside, 'data')
  mkdirSync(dataDir)
  mkdirSync(join(dataDir, 'subdir'))
  copyFileSync(REFERENCE_USERS, join(dataDir, 'users.csv'))
  writeFileSync(join(outside, 'secret.csv'), 'id,username,email\n900,leak,leak@x.io\n')
  writeFileSync(join(dataDir, 'small.csv'), 'id,username,email,created_at\n1,a1,a1@x.io,2024-01-01 00:00:00\n2,a2,a2@x.io,\n')
  writeFileSync(join(dataDir, 'empty.csv'), 'id,username,email,created_at\n')
  writeFileSync(join(dataDir, 'broken.csv'), 'id,username,email\n1,"unclosed,a@x.io\n')
  t = await buildApp({ env: { DATA_DIR: dataDir, BULK_BODY_LIMIT_BYTES: '4096' } })
})
afterAll(async () => {
  await t.close()
  rmSync(outside, { recursive: true, force: true })
})
beforeEach(async () => {
  await t.db.delete(users)
})

const postJson = (body?: string) =>
  t.app.inject({ method: 'POST', url: '/users/bulk', body, headers: { 'content-type': 'application/json' } })

/** A multipart/form-data body built by hand (app.inject has no FormData support). */
function multipart(parts: { name: string; value: string; filename?: string }[]) {
  const boundary = '----ghostlinkboundary'
  const chunks = parts.map(
    (p) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n` +
      `${p.filename ? 'Content-Type: text/csv\r\n' : ''}\r\n${p.value}\r\n`,
  )
  return { body: `${chunks.join('')}--${boundary}--\r\n`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}
const postUpload = (parts: Parameters<typeof multipart>[0], url = '/users/bulk') =>
  t.app.inject({ method: 'POST', url, ...multipart(parts) })

describe('POST /users/bulk, JSON form', () => {
  it('imports the default users.csv with honest counts (the duplicate username is skipped)', async () => {
    const res = await postJson()
    expect(res.statusCode).toBe(201)
    expect(res.json()).toEqual({ file: 'users.csv', imported: 399, loaded: 399, processed: 400, skipped: 1, row_count: 400 })
    expect(await t.db.$count(users)).toBe(399)
    const [first] = await t.db.select().from(users).orderBy(asc(users.id)).limit(1)
    expect(first).toMatchObject({ id: 1, username: 'navyyard21', email: 'navyyard21@example.com' })
    expect(first?.created_at.toISOString()).toBe('2026-01-15T10:40:27.000Z')
    expect(await t.db.$count(users, eq(users.id, 37))).toBe(0)
  })

  it.each([
    ['{}', 'an empty object'],
    ['{"file":', 'malformed JSON'],
    ['{"file": null}', 'a null file'],
  ])('treats %s (%s) as the default file', async (body) => {
    const res = await postJson(body)
    expect([res.statusCode, res.json().file, res.json().imported]).toEqual([201, 'users.csv', 399])
  })

  it('treats a non-JSON body as {}', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/users/bulk', body: 'hello', headers: { 'content-type': 'text/plain' } })
    expect([res.statusCode, res.json().processed]).toEqual([201, 400])
  })

  it('counts rows already present as skipped on a second import', async () => {
    await postJson()
    const res = await postJson('{"file":"users.csv"}')
    expect(res.json()).toEqual({ file: 'users.csv', imported: 0, loaded: 0, processed: 400, skipped: 400, row_count: 400 })
  })

  it.each([
    [5, 5, 5],
    ['10', 10, 10],
    [0, 400, 399],
    [-2, 400, 399],
    ['abc', 400, 399],
    [1.5, 400, 399],
  ])('honours row_count %j', async (rowCount, processed, imported) => {
    const res = await postJson(JSON.stringify({ file: 'users.csv', row_count: rowCount }))
    expect(res.json()).toMatchObject({ processed, row_count: processed, imported, loaded: imported })
    expect(await t.db.$count(users)).toBe(imported)
  })

  it('moves the id sequence so POST /users afterwards gets a new id', async () => {
    await postJson()
    const res = await t.app.inject({ method: 'POST', url: '/users', payload: { username: 'fresh', email: 'fresh@x.io' } })
    expect([res.statusCode, res.json().id]).toEqual([201, 401])
  })

  it('answers 200 with zero counts for a file without data rows', async () => {
    const res = await postJson('{"file":"empty.csv"}')
    expect([res.statusCode, res.json()]).toEqual([200, { file: 'empty.csv', imported: 0, loaded: 0, processed: 0, skipped: 0, row_count: 0 }])
  })

  it.each([
    ['"users.csv"', 400, 'Missing request body'],
    ['42', 400, 'Missing request body'],
    ['["users.csv"]', 400, 'Missing request body'],
    ['null', 400, 'Missing request body'],
    ['{"file":"../secret.csv"}', 400, 'Invalid file'],
    ['{"file":"subdir/x.csv"}', 400, 'Invalid file'],
    ['{"file":"..\\\\secret.csv"}', 400, 'Invalid file'],
    ['{"file":"/etc/passwd"}', 400, 'Invalid file'],
    ['{"file":".."}', 400, 'Invalid file'],
    ['{"file":"a\\u0000b"}', 400, 'Invalid file'],
    ['{"file":5}', 400, 'Invalid file'],
    ['{"file":{"a":1}}', 400, 'Invalid file'],
    ['{"file":"nope.csv"}', 404, 'File not found'],
    ['{"file":"subdir"}', 404, 'File not found'],
    ['{"file":"broken.csv"}', 400, 'Invalid CSV'],
  ])('rejects %s', async (body, status, error) => {
    const res = await postJson(body)
    expect([res.statusCode, res.json()]).toEqual([status, { error, code: status }])
    expect(await t.db.$count(users, eq(users.username, 'leak'))).toBe(0)
  })
})

describe('POST /users/bulk, multipart upload', () => {
  const csv = 'id,username,email,created_at\n10,up1,up1@x.io,2025-01-02 03:04:05\n,up2,up2@x.io,\n11,,blank@x.io,\n12,up1,dupe@x.io,\n13,up3,up1@x.io,\n'

  it('imports an uploaded CSV: explicit ids kept, blanks and duplicates skipped', async () => {
    const res = await postUpload([{ name: 'file', value: csv, filename: 'mine.csv' }])
    expect([res.statusCode, res.json()]).toEqual([201, { file: 'mine.csv', imported: 2, loaded: 2, processed: 5, skipped: 3, row_count: 5 }])
    const rows = await t.db.select().from(users).orderBy(asc(users.id))
    expect(rows.map((r) => r.username)).toEqual(['up1', 'up2'])
    expect(rows[0]?.id).toBe(10)
    expect(rows[1]?.id).toBeGreaterThan(10) // the id-less row got an id from the sequence, moved past the imported ones
    expect(rows[0]?.created_at.toISOString()).toBe('2025-01-02T03:04:05.000Z')
  })

  it('takes row_count from a form field before the file, or from the query string', async () => {
    const a = await postUpload([
      { name: 'row_count', value: '1' },
      { name: 'file', value: csv, filename: 'a.csv' },
    ])
    expect(a.json()).toMatchObject({ processed: 1, imported: 1 })
    await t.db.delete(users)
    const b = await postUpload([{ name: 'file', value: csv, filename: 'b.csv' }], '/users/bulk?row_count=2')
    expect(b.json()).toMatchObject({ processed: 2, imported: 2 })
  })

  it('never keeps a path from the uploaded file name', async () => {
    const res = await postUpload([{ name: 'file', value: csv, filename: '../../etc/passwd' }])
    expect(res.json().file).toBe('passwd')
  })

  it.each([
    ['no file part', [{ name: 'other', value: 'x' }], 400, 'Missing file'],
    ['a broken CSV', [{ name: 'file', value: 'id,username\n1,"open', filename: 'x.csv' }], 400, 'Invalid CSV'],
    ['a file over BULK_BODY_LIMIT_BYTES', [{ name: 'file', value: `id,username,email\n${'9,x,x@x.io\n'.repeat(500)}`, filename: 'big.csv' }], 413, 'Payload too large'],
  ])('rejects %s', async (_, parts, status, error) => {
    const res = await postUpload(parts)
    expect([res.statusCode, res.json()]).toEqual([status, { error, code: status }])
    expect(await t.db.$count(users)).toBe(0)
  })

  it('refuses an announced oversize upload before inserting anything', async () => {
    const res = await postUpload([{ name: 'file', value: `id,username,email\n${Array.from({ length: 8000 }, (_, i) => `,big${i},big${i}@x.io`).join('\n')}`, filename: 'big.csv' }])
    expect([res.statusCode, res.json()]).toEqual([413, { error: 'Payload too large', code: 413 }])
    expect(await t.db.$count(users)).toBe(0)
  })

  it('answers 200 for an upload with only a header', async () => {
    const res = await postUpload([{ name: 'file', value: 'id,username,email\n', filename: 'h.csv' }])
    expect([res.statusCode, res.json().processed]).toEqual([200, 0])
  })
})
