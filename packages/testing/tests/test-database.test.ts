import { closeDb, createDb, type Db, ensureDatabase, pingDb, runMigrations } from '@ghostlink/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../src/index.js'

describe('migrations', () => {
  let tdb: TestDatabase
  let db: Db
  beforeAll(async () => {
    tdb = await createTestDatabase()
    db = createDb(tdb.url, 2)
  })
  afterAll(async () => {
    await closeDb(db)
    await tdb.drop()
  })

  it('creates every table of the schema', async () => {
    const rows = await db.$client<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`
    expect(rows.map((r) => r.table_name)).toEqual([
      'api_keys',
      'canary_state',
      'click_batches',
      'click_retention_state',
      'click_stats_all_days',
      'click_stats_all_hourly',
      'click_stats_days',
      'click_stats_hourly',
      'click_stats_pending',
      'click_visitor_hashes',
      'click_visitor_salts',
      'events',
      'health_checks',
      'quarantine_audit',
      'quarantined_codes',
      'request_fingerprints',
      'risk_scores',
      'urls',
      'users',
    ])
  })

  it('is idempotent when applied twice', async () => {
    await runMigrations(tdb.url)
    expect(await pingDb(db)).toBe(true)
  })

  it('cascades and nulls foreign keys as designed', async () => {
    const [u] = await db.$client<{ id: number }[]>`insert into users (username, email) values ('fk', 'fk@x.io') returning id`
    const [l] = await db.$client<{ id: number }[]>`insert into urls (user_id, short_code, original_url) values (${u!.id}, 'fk1', 'https://a.io') returning id`
    await db.$client`insert into events (url_id, user_id, event_type) values (${l!.id}, ${u!.id}, 'created')`
    await db.$client`delete from users where id = ${u!.id}`
    const [url] = await db.$client<{ user_id: number | null }[]>`select user_id from urls where id = ${l!.id}`
    const [ev] = await db.$client<{ user_id: number | null }[]>`select user_id from events where url_id = ${l!.id}`
    expect([url!.user_id, ev!.user_id]).toEqual([null, null])
  })
})

describe('ensureDatabase (the migrate command on a fresh machine)', () => {
  it('creates a missing database once, then leaves it alone', async () => {
    const name = `gl_test_ensure_${Date.now().toString(36)}`
    const url = `postgres://postgres@127.0.0.1:5432/${name}`
    try {
      expect(await ensureDatabase(url)).toBe(true)
      expect(await ensureDatabase(url)).toBe(false)
      await runMigrations(url)
      const db = createDb(url, 1)
      expect(await pingDb(db)).toBe(true)
      await closeDb(db)
    } finally {
      const admin = createDb('postgres://postgres@127.0.0.1:5432/postgres', 1)
      await admin.$client.unsafe(`drop database if exists ${name} with (force)`)
      await closeDb(admin)
    }
  })
})
