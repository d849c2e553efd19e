import { closeDb, createDb, type Db, urls } from '@ghostlink/db'
import { createTestDatabase, type TestDatabase } from '@ghostlink/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepActiveUrls } from '../src/sweep-active-urls.js'

describe('sweepActiveUrls, on a real database', () => {
  let tdb: TestDatabase
  let db: Db
  let active: number[]
  beforeAll(async () => {
    tdb = await createTestDatabase()
    db = createDb(tdb.url, 2)
    const rows = await db
      .insert(urls)
      .values(Array.from({ length: 7 }, (_, i) => ({ short_code: `c${i}`, original_url: `https://example.com/${i}`, is_active: i !== 2 && i !== 5 })))
      .returning({ id: urls.id, is_active: urls.is_active })
    active = rows.filter((r) => r.is_active).map((r) => r.id)
  })
  afterAll(async () => {
    await closeDb(db)
    await tdb.drop()
  })

  it('adds one job per active URL, in id order, page by page, with the tick in each jobId', async () => {
    const pages: Array<Array<{ url_id: number; jobId: string }>> = []
    const tickAt = 1_700_000_123_456
    const result = await sweepActiveUrls(tickAt, {
      db,
      intervalSeconds: 60,
      jobIdPrefix: 'probe',
      batchSize: 2,
      addJobs: async (jobs) => {
        pages.push(jobs)
      },
    })
    const tick = Math.floor(tickAt / 60_000)
    expect(result).toEqual({ enqueued: active.length, tick })
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1])
    expect(pages.flat()).toEqual(active.map((id) => ({ url_id: id, jobId: `probe-${id}-${tick}` })))
  })

  it('gives every moment of one interval the same tick, and the next interval the next one', async () => {
    const ticks: number[] = []
    const opts = { db, intervalSeconds: 900, jobIdPrefix: 'score', addJobs: async () => {} }
    for (const at of [900_000 * 5, 900_000 * 5 + 899_999, 900_000 * 6]) ticks.push((await sweepActiveUrls(at, opts)).tick)
    expect(ticks).toEqual([5, 5, 6])
  })

  it('adds nothing when no URL is active', async () => {
    const empty = await createTestDatabase()
    const emptyDb = createDb(empty.url, 1)
    try {
      let calls = 0
      const result = await sweepActiveUrls(0, { db: emptyDb, intervalSeconds: 60, jobIdPrefix: 'probe', addJobs: async () => void calls++ })
      expect(result.enqueued).toBe(0)
      expect(calls).toBe(0)
    } finally {
      await closeDb(emptyDb)
      await empty.drop()
    }
  })
})
