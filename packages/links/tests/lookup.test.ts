import { closeDb, createDb, type Db, quarantinedCodes, urls, users } from '@ghostlink/db'
import { cleanRedisPrefix, createTestDatabase, freePort, redisReady, TEST_REDIS_URL, testRedisPrefix, type TestDatabase } from '@ghostlink/testing'
import { eq } from 'drizzle-orm'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlockingRedis, createRedis, invalidateLink, redisInvalidation, redisKeys } from '@ghostlink/redis'
import { createLinkLookup, type LinkLookupOptions } from '../src/lookup.js'


async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const start = Date.now()
  while (Date.now() - start < withinMs) {
    if (await check()) return Date.now() - start
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`condition not met within ${withinMs} ms`)
}

describe('createLinkLookup', () => {
  let tdb: TestDatabase
  let db: Db
  let redis: Redis
  const prefix = testRedisPrefix()
  const subscribers: Redis[] = []
  let ownerId: number

  const base = (): LinkLookupOptions => ({
    db,
    redis,
    prefix,
    localMax: 1000,
    localTtlMs: 60_000,
    redisTtlSeconds: 300,
    negativeTtlSeconds: 30,
  })

  beforeAll(async () => {
    tdb = await createTestDatabase()
    db = createDb(tdb.url, 4)
    redis = createRedis(TEST_REDIS_URL, 'links-test')
    await redisReady(redis)
    const [owner] = await db.insert(users).values({ username: 'owner', email: 'o@example.com' }).returning()
    ownerId = owner!.id
    await db.insert(urls).values([
      { short_code: 'active1', original_url: 'https://example.com/a', user_id: ownerId },
      { short_code: 'inactive1', original_url: 'https://example.com/i', is_active: false },
      { short_code: 'quar1', original_url: 'https://example.com/q', user_id: ownerId },
      { short_code: 'coal1', original_url: 'https://example.com/c' },
      { short_code: 'inv1', original_url: 'https://example.com/old' },
      { short_code: 'neg1', original_url: 'https://example.com/n' },
    ])
    await db.insert(quarantinedCodes).values([
      { short_code: 'quar1', actor: 'test' },
      { short_code: 'ghostq', actor: 'test' },
    ])
  })

  afterAll(async () => {
    for (const s of subscribers) s.disconnect()
    redis.disconnect()
    await closeDb(db)
    await cleanRedisPrefix(prefix)
    await tdb.drop()
  })

  it.each([
    ['an active link', 'active1', { kind: 'found', original_url: 'https://example.com/a', is_active: true, quarantined: false }],
    ['an inactive link', 'inactive1', { kind: 'found', is_active: false, quarantined: false, user_id: null }],
    ['a quarantined link', 'quar1', { kind: 'found', is_active: true, quarantined: true }],
    ['a quarantined code no link has', 'ghostq', { kind: 'missing', quarantined: true }],
    ['an unknown code', 'nope', { kind: 'missing', quarantined: false }],
  ])('answers %s', async (_, code, expected) => {
    const l = createLinkLookup(base())
    expect(await l.lookup(code)).toMatchObject(expected)
    await l.close()
  })

  it('carries id and owner so a hit needs no database', async () => {
    const l = createLinkLookup(base())
    const a = await l.lookup('active1')
    expect(a).toMatchObject({ kind: 'found', user_id: ownerId })
    expect(a.kind === 'found' && a.id > 0).toBe(true)
    await l.close()
  })

  it('reads local, then Redis, then Postgres, and fills the layers above', async () => {
    const layers: string[] = []
    const onLayer: LinkLookupOptions['onLayer'] = (layer, hit) => layers.push(`${layer}:${hit ? 'hit' : 'miss'}`)
    const code = 'active1'
    await redis.del(redisKeys(prefix).link(code))
    const first = createLinkLookup({ ...base(), onLayer })
    await first.lookup(code)
    await first.lookup(code)
    await first.close() // waits for the Redis write
    expect(layers.slice(0, 3)).toEqual(['local:miss', 'redis:miss', 'db:hit'])
    expect(layers[3]).toBe('local:hit')
    expect(await redis.ttl(redisKeys(prefix).link(code))).toBeGreaterThan(290)

    layers.length = 0
    const second = createLinkLookup({ ...base(), onLayer })
    await second.lookup(code)
    await second.lookup(code)
    expect(layers).toEqual(['local:miss', 'redis:hit', 'local:hit'])
    await second.close()
  })

  it('with the local cache off, every lookup asks Redis', async () => {
    const layers: string[] = []
    const l = createLinkLookup({ ...base(), localMax: 0, onLayer: (layer, hit) => layers.push(`${layer}:${hit}`) })
    await l.lookup('active1')
    await l.lookup('active1')
    expect(layers).toEqual(['redis:true', 'redis:true'])
    await l.close()
  })

  it('caches an unknown code briefly (negative TTL) in Redis too', async () => {
    const l = createLinkLookup({ ...base(), negativeTtlSeconds: 7 })
    await l.lookup('zzunknown')
    await l.close()
    const key = redisKeys(prefix).link('zzunknown')
    expect(JSON.parse((await redis.get(key))!)).toEqual({ kind: 'missing', quarantined: false })
    const ttl = await redis.ttl(key)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(7)
  })

  it('a negative answer expires locally after the negative TTL even with a long local TTL', async () => {
    const layers: string[] = []
    const l = createLinkLookup({ ...base(), redis: undefined, negativeTtlSeconds: 0.2, onLayer: (layer) => layers.push(layer) })
    await l.lookup('zzneg')
    await l.lookup('zzneg')
    expect(layers).toEqual(['local', 'db', 'local'])
    await new Promise((r) => setTimeout(r, 300))
    await l.lookup('zzneg')
    expect(layers.slice(3)).toEqual(['local', 'db'])
    await l.close()
  })

  it('coalesces concurrent misses for one code into one database query', async () => {
    let dbQueries = 0
    const l = createLinkLookup({ ...base(), onLayer: (layer) => layer === 'db' && dbQueries++ })
    await redis.del(redisKeys(prefix).link('coal1'))
    const answers = await Promise.all(Array.from({ length: 50 }, () => l.lookup('coal1')))
    expect(new Set(answers.map((a) => a.kind === 'found' && a.original_url))).toEqual(new Set(['https://example.com/c']))
    expect(dbQueries).toBe(1)
    await l.close()
  })

  it('answers from Postgres when Redis is unreachable', async () => {
    const dead = createRedis(`redis://127.0.0.1:${await freePort()}`, 'dead')
    dead.on('error', () => {})
    const l = createLinkLookup({ ...base(), redis: dead })
    expect(await l.lookup('active1')).toMatchObject({ kind: 'found', original_url: 'https://example.com/a' })
    expect(await l.lookup('nope2')).toEqual({ kind: 'missing', quarantined: false })
    await l.close()
    dead.disconnect()
  })

  it('ignores a corrupt Redis entry and reads Postgres', async () => {
    await redis.set(redisKeys(prefix).link('active1'), '{"kind":"found","id":"x"}')
    const l = createLinkLookup({ ...base(), localMax: 0 })
    expect(await l.lookup('active1')).toMatchObject({ kind: 'found', original_url: 'https://example.com/a' })
    await l.close()
  })

  it('invalidateLink drops the copy in every instance within a second (update, deactivate, quarantine, release)', async () => {
    const a = createLinkLookup(base())
    const b = createLinkLookup(base())
    for (const l of [a, b]) {
      const sub = createBlockingRedis(TEST_REDIS_URL, 'links-test-sub')
      subscribers.push(sub)
      await l.listen(redisInvalidation({ redis, subscriber: sub, prefix }))
    }
    const both = async () => Promise.all([a.lookup('inv1'), b.lookup('inv1')])
    const settle = () => new Promise((r) => setTimeout(r, 50)) // let the Redis write land

    expect((await both()).map((x) => x.kind === 'found' && x.original_url)).toEqual(['https://example.com/old', 'https://example.com/old'])
    await settle()

    const changes: Array<[string, () => Promise<unknown>, (x: Awaited<ReturnType<typeof both>>[number]) => boolean]> = [
      ['update', () => db.update(urls).set({ original_url: 'https://example.com/new' }).where(eq(urls.short_code, 'inv1')), (x) => x.kind === 'found' && x.original_url === 'https://example.com/new'],
      ['deactivate', () => db.update(urls).set({ is_active: false }).where(eq(urls.short_code, 'inv1')), (x) => x.kind === 'found' && !x.is_active],
      ['reactivate', () => db.update(urls).set({ is_active: true }).where(eq(urls.short_code, 'inv1')), (x) => x.kind === 'found' && x.is_active],
      ['quarantine', () => db.insert(quarantinedCodes).values({ short_code: 'inv1', actor: 't' }), (x) => x.quarantined],
      ['release', () => db.delete(quarantinedCodes).where(eq(quarantinedCodes.short_code, 'inv1')), (x) => !x.quarantined],
      ['delete', () => db.delete(urls).where(eq(urls.short_code, 'inv1')), (x) => x.kind === 'missing'],
    ]
    for (const [, change, holds] of changes) {
      // both instances hold the old answer in their local cache; only the invalidation can change that
      expect((await both()).every(holds)).toBe(false)
      await change()
      await invalidateLink(redis, prefix, 'inv1')
      await eventually(async () => (await both()).every(holds), 1000)
      await settle()
    }
    await a.close()
    await b.close()
  })

  it('without an invalidation the local copy is served (the cache really holds it)', async () => {
    const l = createLinkLookup(base())
    await l.lookup('neg1')
    await db.update(urls).set({ original_url: 'https://example.com/changed' }).where(eq(urls.short_code, 'neg1'))
    expect(await l.lookup('neg1')).toMatchObject({ original_url: 'https://example.com/n' })
    await l.close()
  })
})
