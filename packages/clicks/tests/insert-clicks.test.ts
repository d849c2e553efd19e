import { clickBatches, type Db, events, requestFingerprints, urls, users } from '@ghostlink/db'
import { asc, count, eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClickBatch, ClickRecord } from '../src/click-record.js'
import { insertClicks, pruneClickBatches } from '../src/insert-clicks.js'
import { createTestEnv, type TestEnv } from '@ghostlink/testing'

async function countRedirectEvents(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(events).where(eq(events.event_type, 'redirect'))
  return row!.n
}

async function countFingerprints(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(requestFingerprints)
  return row!.n
}

const click = (url_id: number | null, status: ClickRecord[2] = 302): ClickRecord => [Date.now(), 'ic1', status, '203.0.113.7', 'test-agent', null, url_id, null]

describe('insertClicks', () => {
  let env: TestEnv
  let urlId: number
  beforeAll(async () => {
    env = await createTestEnv({ name: 'insert-clicks' })
    const [row] = await env.db.insert(urls).values({ short_code: 'ic1', original_url: 'https://example.com/ic1' }).returning({ id: urls.id })
    urlId = row!.id
  })
  afterAll(() => env.close())

  it('writes a batch delivered twice only once (lost Redis marker, COMMIT-then-crash, stream and buffer both)', async () => {
    const batch: ClickBatch = { id: 'replica-a:1', records: [click(urlId), click(urlId), click(null, 404)] }
    expect(await insertClicks(env.db, [batch])).toBe(3)
    expect(await insertClicks(env.db, [batch, { id: 'replica-a:2', records: [click(urlId)] }])).toBe(1)
    expect(await countRedirectEvents(env.db)).toBe(3)
    expect(await countFingerprints(env.db)).toBe(4)
  })

  it('drops the event of a link deleted since the click instead of blocking the batch', async () => {
    const before = await countRedirectEvents(env.db)
    expect(await insertClicks(env.db, [{ id: 'replica-a:3', records: [click(urlId), click(999_999)] }])).toBe(2)
    expect((await countRedirectEvents(env.db)) - before).toBe(1)
  })

  it('maps every field: exact millisecond timestamps in UTC, owners, flags by status, and the contract lengths', async () => {
    const [owner] = await env.db.insert(users).values({ username: 'ic-owner', email: 'ic@example.com' }).returning({ id: users.id })
    const at = Date.UTC(2026, 10, 26, 13, 14, 15, 678)
    const longUa = 'u'.repeat(600)
    const longRef = `https://ref.example/${'r'.repeat(3000)}`
    const eventsBefore = await countRedirectEvents(env.db)
    const records: ClickRecord[] = [
      [at, 'ic1', 302, '203.0.113.7', longUa, longRef, urlId, owner!.id],
      [at + 1, 'x'.repeat(64), 404, '203.0.113.8', null, null, null, null],
      [at + 2, 'quarantined1', 410, '2001:db8::1', 'UA-q', null, null, null],
      [at + 3, 'inactive1', -410, '2001:db8::2', 'UA-i', null, null, null],
    ]
    expect(await insertClicks(env.db, [{ id: 'replica-a:fields', records }])).toBe(4)

    const [ev] = await env.db.select().from(events).where(eq(events.user_id, owner!.id))
    expect(ev).toMatchObject({
      url_id: urlId,
      event_type: 'redirect',
      referrer: longRef.slice(0, 2048),
      details: { short_code: 'ic1', client_ip: '203.0.113.7', user_agent: longUa },
    })
    expect(ev!.timestamp.getTime()).toBe(at)
    const fps = await env.db
      .select()
      .from(requestFingerprints)
      .where(eq(requestFingerprints.client_ip, '203.0.113.7'))
      .orderBy(asc(requestFingerprints.id))
    expect(fps.at(-1)).toMatchObject({ short_code: 'ic1', user_agent: longUa.slice(0, 512), status_code: 302, is_dead_link: false })
    expect(fps.at(-1)!.created_at.getTime()).toBe(at)
    const dead = await env.db
      .select()
      .from(requestFingerprints)
      .where(inArray(requestFingerprints.client_ip, ['203.0.113.8', '2001:db8::1', '2001:db8::2']))
      .orderBy(asc(requestFingerprints.created_at))
    expect(
      dead.map((f) => [f.short_code, f.client_ip, f.user_agent, f.status_code, f.is_invalid_short_code, f.is_quarantined, f.is_dead_link]),
    ).toEqual([
      ['x'.repeat(64), '203.0.113.8', null, 404, true, false, true],
      ['quarantined1', '2001:db8::1', 'UA-q', 410, false, true, true],
      // an inactive link's 410 (ClickStatus.inactive): stored as 410, dead but not quarantined
      ['inactive1', '2001:db8::2', 'UA-i', 410, false, false, true],
    ])
    expect(await countRedirectEvents(env.db)).toBe(eventsBefore + 1)
  })

  it('keeps the event of a click whose owner was deleted since, without the owner', async () => {
    const [gone] = await env.db.insert(users).values({ username: 'ic-gone', email: 'gone@example.com' }).returning({ id: users.id })
    await env.db.delete(users).where(eq(users.id, gone!.id))
    const before = await countRedirectEvents(env.db)
    const record: ClickRecord = [Date.now(), 'ic1', 302, '203.0.113.9', 'ua', null, urlId, gone!.id]
    expect(await insertClicks(env.db, [{ id: 'replica-a:owner-gone', records: [record] }])).toBe(1)
    expect((await countRedirectEvents(env.db)) - before).toBe(1)
    const rows = await env.db.select().from(events).orderBy(asc(events.id))
    expect(rows.at(-1)).toMatchObject({ url_id: urlId, user_id: null })
  })

  it('prunes only batch ids older than a day', async () => {
    await env.db.insert(clickBatches).values({ batch_id: 'old:1', inserted_at: new Date(Date.now() - 2 * 86_400_000) })
    const [before] = await env.db.select({ n: count() }).from(clickBatches)
    await pruneClickBatches(env.db)
    const [after] = await env.db.select({ n: count() }).from(clickBatches)
    expect(after!.n).toBe(before!.n - 1)
  })
})
