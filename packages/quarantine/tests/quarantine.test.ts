import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closeDb, createDb, type Db, quarantineAudit, quarantinedCodes } from '@ghostlink/db'
import { createRedis, redisKeys } from '@ghostlink/redis'
import { cleanRedisPrefix, createTestDatabase, redisReady, TEST_REDIS_URL, testRedisPrefix, type TestDatabase } from '@ghostlink/testing'
import { asc } from 'drizzle-orm'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { listQuarantine, quarantineCode, syncQuarantineMap, unquarantineCode } from '../src/index.js'
import { nginxTest } from './helpers/nginx-test.js'

let tdb: TestDatabase
let db: Db
let redis: Redis
let sub: Redis
let dir: string
const prefix = testRedisPrefix()
const messages: string[] = []

beforeAll(async () => {
  tdb = await createTestDatabase()
  db = createDb(tdb.url, 3)
  redis = createRedis(TEST_REDIS_URL, 'quarantine-test')
  sub = createRedis(TEST_REDIS_URL, 'quarantine-test-sub')
  await Promise.all([redis, sub].map(redisReady))
  await sub.subscribe(redisKeys(prefix).invalidations)
  sub.on('message', (_channel, code: string) => messages.push(code))
  dir = mkdtempSync(join(tmpdir(), 'gl-quarantine-'))
})
afterAll(async () => {
  sub.disconnect()
  redis.disconnect()
  await closeDb(db)
  await cleanRedisPrefix(prefix)
  await tdb.drop()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  await db.delete(quarantinedCodes)
  await db.delete(quarantineAudit)
  messages.length = 0
})

const WAIT = { timeout: 2_000, interval: 10 }

describe('quarantineCode / unquarantineCode', () => {
  it('adds once with one audit row, drops the cache and publishes the code', async () => {
    await redis.set(redisKeys(prefix).link('evil1'), '{"cached":true}')
    const first = await quarantineCode({ db, redis, prefix }, { short_code: 'evil1', actor: 'alice', reason: 'phishing' })
    const again = await quarantineCode({ db, redis, prefix }, { short_code: 'evil1', actor: 'bob' })
    expect(first).toMatchObject({ created: true, entry: { short_code: 'evil1', actor: 'alice', reason: 'phishing', source: 'manual' } })
    expect(again).toMatchObject({ created: false, entry: { actor: 'alice' } })
    expect(await redis.exists(redisKeys(prefix).link('evil1'))).toBe(0)
    await expect.poll(() => messages, WAIT).toContain('evil1')
    const audit = await db.select().from(quarantineAudit)
    expect(audit).toMatchObject([{ short_code: 'evil1', action: 'quarantine', actor: 'alice', reason: 'phishing' }])
    expect(audit[0]!.at).toBeInstanceOf(Date)
  })

  it('removes with an audit row, and answers null for a code that is not quarantined', async () => {
    await quarantineCode({ db, redis, prefix }, { short_code: 'x1', actor: 'alice', source: 'auto' })
    messages.length = 0
    expect(await unquarantineCode({ db, redis, prefix }, { short_code: 'x1', actor: 'carol' })).toMatchObject({
      short_code: 'x1',
      source: 'auto',
    })
    expect(await unquarantineCode({ db, redis, prefix }, { short_code: 'x1', actor: 'carol' })).toBeNull()
    expect(await listQuarantine(db)).toEqual([])
    await expect.poll(() => messages.length, WAIT).toBe(1)
    expect(messages).toEqual(['x1'])
    const audit = await db.select().from(quarantineAudit).orderBy(asc(quarantineAudit.id))
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['quarantine', 'alice'],
      ['unquarantine', 'carol'],
    ])
  })
})

describe('syncQuarantineMap', () => {
  it('renders the list to a map nginx accepts, reloads, mirrors to Redis and is idempotent', async () => {
    const mapFile = join(dir, 'nested', 'blocked_codes.conf')
    const marker = join(dir, 'reloaded')
    const deps = { db, redis, prefix, mapFile, reloadCommand: `echo reload >> '${marker}'` }
    for (const code of ['demo-threat', 'abc_9', '42']) await quarantineCode({ db, prefix }, { short_code: code, actor: 'ops' })

    const first = await syncQuarantineMap(deps)
    expect(first).toMatchObject({ codes: 3, written: true, removed: [], reload: { ran: true, ok: true } })
    expect(first.added.sort()).toEqual(['42', 'abc_9', 'demo-threat'])
    const text = readFileSync(mapFile, 'utf8')
    expect(text).toContain('/demo-threat 1;\n/r/demo-threat 1;\n/urls/demo-threat 1;')
    expect(await nginxTest(dir, mapFile)).toMatchObject({ ok: true })
    expect((await redis.smembers(redisKeys(prefix).quarantine)).sort()).toEqual(['42', 'abc_9', 'demo-threat'])
    await expect.poll(() => messages.length, WAIT).toBeGreaterThanOrEqual(3)
    expect(messages.sort()).toEqual(['42', 'abc_9', 'demo-threat'])

    // nothing changed: no write, no reload
    const second = await syncQuarantineMap(deps)
    expect(second).toMatchObject({ written: false, added: [], removed: [], reload: { ran: false } })
    expect(readFileSync(marker, 'utf8')).toBe('reload\n')

    // a row deleted behind the API's back is still removed from the file and invalidated
    messages.length = 0
    await db.delete(quarantinedCodes)
    const third = await syncQuarantineMap(deps)
    expect(third).toMatchObject({ codes: 0, written: true, added: [] })
    expect(third.removed.sort()).toEqual(['42', 'abc_9', 'demo-threat'])
    expect(await nginxTest(dir, mapFile)).toMatchObject({ ok: true })
    expect(await redis.exists(redisKeys(prefix).quarantine)).toBe(0)
    expect(readdirTemps(dir)).toEqual([])
  })

  it('reports a failing reload command without throwing', async () => {
    await quarantineCode({ db, prefix }, { short_code: 'boom', actor: 'ops' })
    const result = await syncQuarantineMap({ db, prefix, mapFile: join(dir, 'fail.conf'), reloadCommand: 'echo nope >&2; exit 3' })
    expect(result.reload).toEqual({ ran: true, ok: false, exitCode: 3, output: 'nope' })
    expect(existsSync(join(dir, 'fail.conf'))).toBe(true)
  })
})

function readdirTemps(d: string): string[] {
  return readdirSync(join(d, 'nested')).filter((f) => f.endsWith('.tmp'))
}
