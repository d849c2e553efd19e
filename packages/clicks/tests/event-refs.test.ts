import { EVENT_REFS_LOCK, events, urls, users } from '@ghostlink/db'
import { createTestEnv, type TestEnv } from '@ghostlink/testing'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClickRecord } from '../src/click-record.js'
import { insertClicks } from '../src/insert-clicks.js'

// events has no foreign keys (migration 0007): triggers on urls and users do what the keys did, ordered against the
// click transactions by EVENT_REFS_LOCK. Real connections: one transaction waits for the other.

/** Resolves once some backend waits for the advisory lock (pg_locks shows the ungranted request). */
async function someoneWaitsForTheLock(env: TestEnv): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [row] = await env.db.$client<{ n: number }[]>`
      select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = ${EVENT_REFS_LOCK} and not granted`
    if (row!.n > 0) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('nobody waited for EVENT_REFS_LOCK')
}

const redirectsOf = (env: TestEnv, urlId: number) => env.db.select().from(events).where(eq(events.url_id, urlId))

describe('events without foreign keys', () => {
  let env: TestEnv
  let owner: number
  const link = async (code: string, userId: number | null = owner) => {
    const [row] = await env.db.insert(urls).values({ short_code: code, original_url: `https://example.com/${code}`, user_id: userId }).returning({ id: urls.id })
    return row!.id
  }
  const click = (code: string, urlId: number, userId: number | null = owner): ClickRecord => [Date.now(), code, 302, '203.0.113.5', 'ua', null, urlId, userId]

  beforeAll(async () => {
    env = await createTestEnv({ name: 'event-refs' })
    const [u] = await env.db.insert(users).values({ username: 'refs', email: 'refs@example.com' }).returning({ id: users.id })
    owner = u!.id
  })
  afterAll(() => env.close())

  it("deleting a link deletes its events; deleting a user keeps theirs without the user, as the foreign keys did", async () => {
    const [u] = await env.db.insert(users).values({ username: 'refs-gone', email: 'refs-gone@example.com' }).returning({ id: users.id })
    const kept = await link('er-kept', u!.id)
    const gone = await link('er-gone', u!.id)
    await insertClicks(env.db, [{ id: 'er:1', records: [click('er-kept', kept, u!.id), click('er-gone', gone, u!.id), click('er-gone', gone, u!.id)] }])
    expect(await redirectsOf(env, gone)).toHaveLength(2)

    await env.db.delete(urls).where(eq(urls.id, gone))
    expect(await redirectsOf(env, gone)).toEqual([])
    await env.db.delete(users).where(eq(users.id, u!.id))
    expect((await redirectsOf(env, kept)).map((e) => e.user_id)).toEqual([null])
  })

  it('a click transaction that starts during a link deletion waits for it, then drops the deleted link\'s events', async () => {
    const urlId = await link('er-race1')
    let written: Promise<number> | undefined
    await env.db.$client.begin(async (tx) => {
      await tx`delete from urls where id = ${urlId}` // the trigger now holds the lock exclusively until commit
      written = insertClicks(env.db, [{ id: 'er:race1', records: [click('er-race1', urlId)] }], { rollups: false })
      await someoneWaitsForTheLock(env)
    })
    expect(await written).toBe(1) // its fingerprint is written
    expect(await redirectsOf(env, urlId)).toEqual([])
  })

  it('a deletion waits for the click transactions in flight and then sees their events', async () => {
    const urlId = await link('er-race2')
    const [u] = await env.db.insert(users).values({ username: 'refs-race', email: 'refs-race@example.com' }).returning({ id: users.id })
    const other = await link('er-race2b', u!.id)
    let deletions: Promise<unknown> | undefined
    await env.db.$client.begin(async (tx) => {
      // a click transaction in flight, as insertClicks holds it: the lock shared, its events inserted, not committed
      await tx`select pg_advisory_xact_lock_shared(${EVENT_REFS_LOCK})`
      await tx`insert into events (url_id, user_id, event_type) values (${urlId}, ${owner}, 'redirect'), (${other}, ${u!.id}, 'redirect')`
      deletions = Promise.all([
        env.db.delete(urls).where(eq(urls.id, urlId)),
        env.db.delete(users).where(eq(users.id, u!.id)),
      ])
      await someoneWaitsForTheLock(env)
    })
    await deletions
    expect(await redirectsOf(env, urlId)).toEqual([])
    expect((await redirectsOf(env, other)).map((e) => e.user_id)).toEqual([null])
  })
})
