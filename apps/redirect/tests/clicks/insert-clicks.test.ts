import { clickBatches, urls } from '@ghostlink/db'
import { count } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClickBatch, ClickRecord } from '../../src/clicks/click-record.js'
import { insertClicks, pruneClickBatches } from '../../src/clicks/insert-clicks.js'
import { countFingerprints, countRedirectEvents, createTestEnv, type TestEnv } from '../helpers/build-service.js'

const click = (url_id: number | null, status: ClickRecord[2] = 302): ClickRecord => [Date.now(), 'ic1', status, '203.0.113.7', 'test-agent', null, url_id, null]

describe('insertClicks', () => {
  let env: TestEnv
  let urlId: number
  beforeAll(async () => {
    env = await createTestEnv()
    const [row] = await env.db.insert(urls).values({ short_code: 'ic1', original_url: 'https://example.com/ic1' }).returning({ id: urls.id })
    urlId = row!.id
  })
  afterAll(() => env.drop())

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

  it('prunes only batch ids older than a day', async () => {
    await env.db.insert(clickBatches).values({ batch_id: 'old:1', inserted_at: new Date(Date.now() - 2 * 86_400_000) })
    const [before] = await env.db.select({ n: count() }).from(clickBatches)
    await pruneClickBatches(env.db)
    const [after] = await env.db.select({ n: count() }).from(clickBatches)
    expect(after!.n).toBe(before!.n - 1)
  })
})
