import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, healthChecks, riskScores, urls } from '@ghostlink/db'
import { QUEUES, RiskJob } from '@ghostlink/jobs'
import { createRedis, redisKeys } from '@ghostlink/redis'
import { createApiMetrics } from '@ghostlink/metrics'
import { cleanRedisPrefix, createTestDatabase, redisReady, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import { Queue } from 'bullmq'
import { eq } from 'drizzle-orm'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../../src/app.js'
import { buildApp, type TestApp } from '../helpers/build-app.js'

const RISK_KEYS = ['computed_at', 'score', 'signals', 'tier', 'url_id']

describe('GET /urls/:id/risk', () => {
  let t: TestApp
  let seq = 0
  const insertUrl = async (original_url: string) => {
    const [row] = await t.db
      .insert(urls)
      .values({ short_code: `rk${++seq}`, original_url })
      .returning()
    return row!
  }
  const getRisk = (id: number | string) => t.app.inject(`/urls/${id}/risk`)

  beforeAll(async () => {
    t = await buildApp()
  })
  afterAll(() => t.close())

  it.each(['999999', 'abc', '99999999999'])('answers 404 Not found for /urls/%s/risk', async (id) => {
    const res = await getRisk(id)
    expect([res.statusCode, res.json()]).toEqual([404, { error: 'Not found', code: 404 }])
  })

  it('computes on first call and answers the same shape, signals an object, on every later call', async () => {
    const u = await insertUrl('https://deals.xyz/today')
    const first = await getRisk(u.id)
    expect(first.statusCode).toBe(200)
    expect(Object.keys(first.json()).sort()).toEqual(RISK_KEYS)
    expect(first.json()).toMatchObject({ url_id: u.id, score: 20, tier: 'SAFE', signals: { suspicious_tld: 'xyz' } })
    expect(new Date(first.json().computed_at).toISOString()).toBe(first.json().computed_at)
    // stored and cached by the first call
    expect(await t.db.select().from(riskScores).where(eq(riskScores.url_id, u.id))).toHaveLength(1)
    expect(await t.redis!.exists(redisKeys(t.prefix).risk(u.id))).toBe(1)

    const second = await getRisk(u.id)
    expect(second.json()).toEqual(first.json())

    // cache gone: read back from risk_scores, same shape and values
    await t.redis!.del(redisKeys(t.prefix).risk(u.id))
    const third = await getRisk(u.id)
    expect(Object.keys(third.json()).sort()).toEqual(RISK_KEYS)
    expect({ ...third.json(), computed_at: 0 }).toEqual({ ...first.json(), computed_at: 0 })
    expect(await t.redis!.exists(redisKeys(t.prefix).risk(u.id))).toBe(1)
  })

  it('answers a SAFE zero score with an empty signals object', async () => {
    const u = await insertUrl('https://example.com/plain')
    expect((await getRisk(u.id)).json()).toMatchObject({ url_id: u.id, score: 0, tier: 'SAFE', signals: {} })
  })

  it('prefers the stored row over recomputing (lookup order of docs/CONTRACT.md#c-1-8)', async () => {
    const u = await insertUrl('https://example.com/stored')
    const at = new Date('2026-01-02T03:04:05.000Z')
    await t.db
      .insert(riskScores)
      .values({ url_id: u.id, score: 65, tier: 'THREAT', signals: { destination_dead: true, status_code: 500 }, computed_at: at })
    const res = await getRisk(u.id)
    expect(res.json()).toEqual({
      computed_at: at.toISOString(),
      score: 65,
      signals: { destination_dead: true, status_code: 500 },
      tier: 'THREAT',
      url_id: u.id,
    })
  })

  it('reads a cached entry whose signals are a JSON string, and answers them as an object', async () => {
    const u = await insertUrl('https://example.com/legacy')
    const cached = {
      score: 35,
      tier: 'WATCHLIST',
      signals: JSON.stringify({ suspicious_tld: 'top', delete_recreate_pattern: true }),
      computed_at: '2026-01-01T00:00:00.000Z',
    }
    await t.redis!.set(redisKeys(t.prefix).risk(u.id), JSON.stringify(cached))
    expect((await getRisk(u.id)).json()).toEqual({
      ...cached,
      signals: { suspicious_tld: 'top', delete_recreate_pattern: true },
      url_id: u.id,
    })
  })

  it('ignores an unreadable cache entry and computes instead', async () => {
    const u = await insertUrl('https://example.com/corrupt')
    await t.redis!.set(redisKeys(t.prefix).risk(u.id), '{"score":"lots"')
    const res = await getRisk(u.id)
    expect([res.statusCode, res.json().score, res.json().signals]).toEqual([200, 0, {}])
  })

  it('is refreshed by an update: a dead destination raises the score', async () => {
    const u = await insertUrl('https://example.com/dying')
    expect((await getRisk(u.id)).json().score).toBe(0)
    await t.db.insert(healthChecks).values({ url_id: u.id, health_status: 'DEAD', status_code: 503 })
    const patch = await t.app.inject({ method: 'PATCH', url: `/urls/${u.id}`, payload: { original_url: 'https://example.click/dying' } })
    expect(patch.statusCode).toBe(200)
    expect((await getRisk(u.id)).json()).toMatchObject({
      score: 50,
      tier: 'WATCHLIST',
      signals: { destination_dead: true, status_code: 503, suspicious_tld: 'click' },
    })
  })
})

describe('risk recompute through the queue', () => {
  const prefix = testRedisPrefix()
  let cleanup: Array<() => Promise<unknown>> = []

  async function build(queueUrl: string) {
    const tdb = await createTestDatabase()
    const config = loadConfig({ DATABASE_URL: tdb.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', AUTH_MODE: 'open' })
    const db = createDb(config.databaseUrl, 4)
    const redis = createRedis(config.REDIS_URL, 'api-risk-test')
    await redisReady(redis)
    const riskQueue = new Queue(QUEUES.risk, {
      connection: { url: queueUrl, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 1_000 },
      prefix: redisKeys(prefix).bull,
    })
    riskQueue.on('error', () => {})
    const app = Fastify({ logger: false })
    await app.register(api, { config, db, redis, metrics: createApiMetrics(config.release, config.flags), riskQueue })
    await app.ready()
    cleanup.push(async () => {
      await app.close()
      await riskQueue.close().catch(() => {})
      redis.disconnect()
      await closeDb(db)
      await tdb.drop()
    })
    return { app, db, riskQueue }
  }

  afterAll(async () => {
    for (const fn of cleanup) await fn()
    cleanup = []
    await cleanRedisPrefix(prefix)
  })

  it('enqueues {url_id, reason} on create, update and delete instead of scoring inline', async () => {
    const { app, db, riskQueue } = await build(TEST_REDIS_URL)
    const created = await app.inject({ method: 'POST', url: '/shorten', payload: { original_url: 'https://q.top/a' } })
    const id = created.json().id
    await app.inject({ method: 'PATCH', url: `/urls/${id}`, payload: { title: 'x' } })
    await app.inject({ method: 'DELETE', url: `/urls/${id}` })
    const jobs = await riskQueue.getJobs(['waiting', 'delayed', 'prioritized'])
    const data = jobs.map((j) => RiskJob.parse(j.data)).sort((a, b) => a.reason.localeCompare(b.reason))
    expect(data).toEqual([
      { url_id: id, reason: 'created' },
      { url_id: id, reason: 'deleted' },
      { url_id: id, reason: 'updated' },
    ])
    // the one job name and retry policy every producer uses (packages/jobs enqueueRisk)
    expect(jobs.map((j) => [j.name, j.opts.attempts])).toEqual([['score', 3], ['score', 3], ['score', 3]])
    // the worker's job, not ours
    expect(await db.select().from(riskScores).where(eq(riskScores.url_id, id))).toEqual([])
  })

  it('falls back to scoring inline, without failing the request, when the queue is unreachable', async () => {
    const { app, db } = await build('redis://127.0.0.1:1')
    const started = Date.now()
    const res = await app.inject({ method: 'POST', url: '/shorten', payload: { original_url: 'https://q.top/b' } })
    expect(res.statusCode).toBe(201)
    expect(Date.now() - started).toBeLessThan(5_000)
    const [row] = await db.select().from(riskScores).where(eq(riskScores.url_id, res.json().id))
    expect(row).toMatchObject({ score: 20, signals: { suspicious_tld: 'top' } })
  })
})
