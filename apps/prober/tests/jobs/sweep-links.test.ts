import { Queue } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QUEUES } from '@ghostlink/jobs'
import { redisKeys } from '@ghostlink/redis'
import { sweepLinks } from '../../src/jobs/sweep-links.js'
import { enqueueProbes } from '@ghostlink/jobs'
import { createTestEnv, insertUrl, type TestEnv } from '../helpers/test-env.js'

let env: TestEnv
let queue: Queue
const INTERVAL = 300

beforeAll(async () => {
  env = await createTestEnv()
  // a queue with no worker: jobs stay waiting, like a backlog
  queue = new Queue(QUEUES.linkHealth, { connection: env.redis, prefix: redisKeys(env.prefix).bull })
})
afterAll(async () => {
  await queue.close()
  await env.close()
})

describe('sweepLinks + enqueueProbes', () => {
  it('enqueues one probe per active URL in batches, with the tick in the jobId', async () => {
    const active = [
      await insertUrl(env.db, 'https://a.example/1'),
      await insertUrl(env.db, 'https://a.example/2'),
      await insertUrl(env.db, 'https://b.example/3'),
    ]
    await insertUrl(env.db, 'https://a.example/off', false)
    const at = Date.UTC(2026, 0, 1, 12, 0, 10)
    const result = await sweepLinks(at, {
      db: env.db,
      intervalSeconds: INTERVAL,
      batchSize: 2,
      addProbeJobs: (jobs) => enqueueProbes(queue, jobs, INTERVAL),
    })
    const tick = Math.floor(at / (INTERVAL * 1000))
    expect(result).toEqual({ enqueued: 3, tick })
    const jobs = await queue.getJobs(['waiting'])
    expect(jobs.map((j) => [j.id, j.name, j.data]).sort()).toEqual(
      active.map((id) => [`probe-${id}-${tick}`, 'probe', { url_id: id }]).sort(),
    )
  })

  it('adds nothing for the same tick again, nor for a later tick while the earlier probes still wait', async () => {
    const at = Date.UTC(2026, 0, 1, 12, 0, 10)
    await sweepLinks(at + 5_000, { db: env.db, intervalSeconds: INTERVAL, addProbeJobs: (jobs) => enqueueProbes(queue, jobs, INTERVAL) })
    await sweepLinks(at + INTERVAL * 1000, {
      db: env.db,
      intervalSeconds: INTERVAL,
      addProbeJobs: (jobs) => enqueueProbes(queue, jobs, INTERVAL),
    })
    expect(await queue.getWaitingCount()).toBe(3)
  })
})
