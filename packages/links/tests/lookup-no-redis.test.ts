import { closeDb, createDb, type Db, quarantinedCodes, urls } from '@ghostlink/db'
import { type LinkInvalidation, localInvalidation } from '@ghostlink/redis'
import { createTestDatabase, type TestDatabase } from '@ghostlink/testing'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLinkLookup, type LinkLookup } from '../src/lookup.js'

// One process without Redis: no client at all; the in-process LRU in front of Postgres, kept fresh by the in-process bus.
describe('createLinkLookup without Redis', () => {
  let tdb: TestDatabase
  let db: Db
  let bus: LinkInvalidation
  let a: LinkLookup
  let b: LinkLookup
  const dbReads: string[] = []

  beforeAll(async () => {
    tdb = await createTestDatabase()
    db = createDb(tdb.url, 4)
    await db.insert(urls).values([
      { short_code: 'loc1', original_url: 'https://example.com/old' },
      { short_code: 'race1', original_url: 'https://example.com/r-old' },
    ])
    bus = localInvalidation()
    const opts = { db, prefix: 'unused:', localMax: 100, localTtlMs: 60_000, redisTtlSeconds: 300, negativeTtlSeconds: 30 }
    a = createLinkLookup({ ...opts, onLayer: (layer) => layer === 'db' && dbReads.push('a') })
    b = createLinkLookup(opts)
    await a.listen(bus)
    await b.listen(bus)
  })

  afterAll(async () => {
    await a.close()
    await b.close()
    await closeDb(db)
    await tdb.drop()
  })

  it('serves repeats from the local copy: one Postgres read for many lookups', async () => {
    for (let i = 0; i < 5; i++) expect(await a.lookup('loc1')).toMatchObject({ kind: 'found', original_url: 'https://example.com/old' })
    expect(dbReads).toEqual(['a'])
    expect(a.cached('loc1')).toMatchObject({ original_url: 'https://example.com/old' })
  })

  it('an invalidation on the bus is seen by every lookup as soon as invalidate() resolves', async () => {
    const both = () => Promise.all([a.lookup('loc1'), b.lookup('loc1')])
    const changes: Array<[() => Promise<unknown>, (x: Awaited<ReturnType<typeof both>>[number]) => boolean]> = [
      [() => db.update(urls).set({ original_url: 'https://example.com/new' }).where(eq(urls.short_code, 'loc1')), (x) => x.kind === 'found' && x.original_url === 'https://example.com/new'],
      [() => db.update(urls).set({ is_active: false }).where(eq(urls.short_code, 'loc1')), (x) => x.kind === 'found' && !x.is_active],
      [() => db.insert(quarantinedCodes).values({ short_code: 'loc1', actor: 't' }), (x) => x.quarantined],
      [() => db.delete(quarantinedCodes).where(eq(quarantinedCodes.short_code, 'loc1')), (x) => !x.quarantined],
      [() => db.delete(urls).where(eq(urls.short_code, 'loc1')), (x) => x.kind === 'missing'],
    ]
    for (const [change, holds] of changes) {
      await both() // both hold the current answer locally
      await change()
      expect((await both()).every(holds)).toBe(false) // the cache really holds the old one
      await bus.invalidate('loc1')
      expect((await both()).every(holds)).toBe(true) // no waiting: the bus is synchronous
    }
  })

  it('a read racing an invalidation is not kept, whichever finishes first', async () => {
    const reading = a.lookup('race1') // in flight: reads Postgres
    await db.update(urls).set({ original_url: 'https://example.com/r-new' }).where(eq(urls.short_code, 'race1'))
    await bus.invalidate('race1')
    await reading
    expect(a.cached('race1')).toBeUndefined()
    expect(await a.lookup('race1')).toMatchObject({ original_url: 'https://example.com/r-new' })
  })
})
