// The outage scenarios, each bounded in time: it breaks something while the load runs, then repairs it.
import type { Platform } from './platform.js'
import { waitUntil } from './platform.js'

export type Scenario = { name: string; what: string; run: (p: Platform) => Promise<void> }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const serviceUp = (p: Platform, name: string) => async () => {
  const s = p.service(name)
  return fetch(`http://127.0.0.1:${s.port}${s.healthPath}`, { signal: AbortSignal.timeout(1_500) }).then(
    (r) => r.status < 500,
    () => false,
  )
}

export const SCENARIOS: Scenario[] = [
  { name: 'baseline', what: 'no fault', run: () => sleep(6_000) },
  {
    name: 'redis-down',
    what: 'Redis stopped for 8 s, then started with its data',
    run: async (p) => {
      p.redis.stop()
      await sleep(8_000)
      await p.redis.start()
    },
  },
  {
    name: 'postgres-down',
    what: 'Postgres stopped (immediate) for 10 s, then started',
    run: async (p) => {
      p.pg.stop()
      await sleep(10_000)
      await p.pg.start()
    },
  },
  {
    name: 'replica-killed',
    what: 'kill -9 of redirect-1; the supervisor restarts it',
    run: async (p) => {
      p.service('redirect-1').entry.child.kill('SIGKILL')
      await sleep(1_000)
      await waitUntil('redirect-1 back', serviceUp(p, 'redirect-1'), 30_000)
    },
  },
  {
    name: 'replicas-sigterm',
    what: 'SIGTERM of redirect-1, then (once it is back) of redirect-2',
    run: async (p) => {
      for (const name of ['redirect-1', 'redirect-2']) {
        p.service(name).entry.child.kill('SIGTERM')
        await sleep(500)
        await waitUntil(`${name} back`, serviceUp(p, name), 45_000)
        await sleep(1_000)
      }
    },
  },
  {
    name: 'redis-kill9',
    what: 'kill -9 of Redis (AOF, fsync every second), restarted at once from its AOF',
    run: async (p) => {
      p.redis.kill()
      await sleep(500)
      await p.redis.start()
    },
  },
  {
    name: 'redis-restarted-empty',
    what: 'Redis killed and started without its data (lost volume, failover to an empty replica)',
    run: async (p) => {
      p.redis.wipe()
      await sleep(500)
      await p.redis.start()
    },
  },
  {
    name: 'backlog-redis-kill9',
    what: 'Postgres down 6 s (clicks wait in the stream), then kill -9 of Redis and restart from its AOF, then Postgres back',
    run: async (p) => {
      p.pg.stop()
      await sleep(6_000)
      p.redis.kill()
      await sleep(500)
      await p.redis.start()
      await sleep(1_000)
      await p.pg.start()
    },
  },
  {
    name: 'backlog-redis-empty',
    what: 'Postgres down 6 s (clicks wait in the stream), then Redis restarted without its data, then Postgres back',
    run: async (p) => {
      p.pg.stop()
      await sleep(6_000)
      p.redis.wipe()
      await sleep(500)
      await p.redis.start()
      await sleep(1_000)
      await p.pg.start()
    },
  },
  {
    name: 'postgres-and-redis',
    what: 'Postgres and Redis stopped together for 6 s, then both started (Redis with its data)',
    run: async (p) => {
      p.pg.stop()
      p.redis.stop()
      await sleep(6_000)
      await Promise.all([p.pg.start(), p.redis.start()])
    },
  },
  {
    name: 'sigterm-each',
    what: 'SIGTERM of every service in turn (nginx last), each restarted by the supervisor; 11 s between services',
    run: async (p) => {
      for (const s of p.services) {
        s.entry.child.kill('SIGTERM')
        await sleep(500)
        await waitUntil(`${s.name} back`, serviceUp(p, s.name), 45_000)
        // nginx keeps a replica it saw fail out of rotation for fail_timeout (10 s) after it is back: the RUNBOOK's
        // rule for restarts one at a time (replicas-sigterm shows what 1 s apart costs)
        await sleep(11_000)
      }
    },
  },
]
