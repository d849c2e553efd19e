import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, type Db, riskScores } from '@ghostlink/db'
import { createLocalJobs, type JobView, type LocalJobs, QUEUES, QuarantineSyncJob, RiskJob } from '@ghostlink/jobs'
import { createApiMetrics } from '@ghostlink/metrics'
import { createTestDatabase, type TestDatabase } from '@ghostlink/testing'
import { eq } from 'drizzle-orm'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { api } from '../../src/app.js'

// Issue 11: in one process without Redis the API's producers are the in-process queues the workers take jobs from.
describe('the API with local queues and no Redis', () => {
  let tdb: TestDatabase
  let db: Db
  let jobs: LocalJobs
  let app: FastifyInstance
  const seen: Record<string, JobView[]> = { risk: [], quarantine: [] }

  beforeAll(async () => {
    tdb = await createTestDatabase()
    const config = loadConfig({ DATABASE_URL: tdb.url, LOG_LEVEL: 'silent', AUTH_MODE: 'open' })
    db = createDb(config.databaseUrl, 4)
    jobs = createLocalJobs()
    app = Fastify({ logger: false })
    await app.register(api, {
      config,
      db,
      metrics: createApiMetrics(config.release, config.flags),
      riskQueue: jobs.queue(QUEUES.risk),
      quarantineQueue: jobs.queue(QUEUES.quarantine),
    })
    await app.ready()
    // stand-ins for the risk workers: they record what the API asked for
    jobs.queue(QUEUES.risk).process(async (job) => void seen.risk!.push(job), { concurrency: 1 })
    jobs.queue(QUEUES.quarantine).process(async (job) => void seen.quarantine!.push(job), { concurrency: 1 })
  })
  afterAll(async () => {
    await app.close()
    await jobs.close()
    await closeDb(db)
    await tdb.drop()
  })

  it('enqueues {url_id, reason} on create, update and delete instead of scoring inline', async () => {
    const created = await app.inject({ method: 'POST', url: '/shorten', payload: { original_url: 'https://q.top/a' } })
    expect(created.statusCode).toBe(201)
    const id = created.json().id
    await app.inject({ method: 'PATCH', url: `/urls/${id}`, payload: { title: 'x' } })
    await app.inject({ method: 'DELETE', url: `/urls/${id}` })
    await vi.waitFor(() => expect(seen.risk).toHaveLength(3))
    expect(seen.risk!.map((j) => [j.name, RiskJob.parse(j.data)])).toEqual([
      ['score', { url_id: id, reason: 'created' }],
      ['score', { url_id: id, reason: 'updated' }],
      ['score', { url_id: id, reason: 'deleted' }],
    ])
    // the worker's job, not the API's
    expect(await db.select().from(riskScores).where(eq(riskScores.url_id, id))).toEqual([])
  })

  it('asks for a quarantine map sync on the local queue', async () => {
    const res = await app.inject({ method: 'POST', url: '/quarantine/locq1', payload: { reason: 'test' } })
    expect(res.statusCode).toBe(201)
    await vi.waitFor(() => expect(seen.quarantine).toHaveLength(1))
    expect([seen.quarantine![0]!.name, QuarantineSyncJob.parse(seen.quarantine![0]!.data)]).toEqual(['sync', { reason: 'quarantine locq1' }])
  })
})
