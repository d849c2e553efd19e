import { upsertSweep } from '@ghostlink/jobs'
import type { QueueMetrics } from '@ghostlink/metrics'
import type { Queue } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'

export type Schedule = {
  queue: Queue
  /** job scheduler id, e.g. `link-health-sweep` */
  id: string
  everyMs: number
  /** job name of each tick (upsertSweep's default, JOB_NAMES.sweep, unless told) */
  jobName?: string
}

export type ScheduleStatus = { schedule: string; every_seconds: number; last_fired_at: string | null; stale: boolean }

/** A schedule is stale when nothing fired for two intervals since its last tick or since our start. */
export function scheduleStatus(s: { id: string; everyMs: number }, last: number | undefined, startedAt: number, now: number): ScheduleStatus {
  return {
    schedule: s.id,
    every_seconds: s.everyMs / 1000,
    last_fired_at: last ? new Date(last).toISOString() : null,
    stale: now - Math.max(last ?? 0, startedAt) > 2 * s.everyMs,
  }
}

export type ScheduleKeeperOptions = {
  /** the connection the queues use: its `ready` event after a reconnect triggers a check */
  redis: Redis
  /** Redis key holding the last fire time of a schedule (redisKeys(prefix).scheduleFired) */
  firedKey: (scheduleId: string) => string
  schedules: Schedule[]
  logger: FastifyBaseLogger
  metrics?: Pick<QueueMetrics, 'scheduleLastFired' | 'scheduleInterval' | 'schedulesReasserted'>
  /** how often the schedulers are checked even without a reconnect (a FLUSHALL does not drop the connection) */
  checkEveryMs?: number
  now?: () => number
}

/**
 * Keeps BullMQ job schedulers registered. They live in Redis only, so a Redis restart without persistence, a
 * failover to an empty replica or a flush silently stops every sweep (issue 13). The keeper registers them at start,
 * checks after every reconnect and on a timer, and registers again any that is gone. Firing is recorded in Redis
 * (shared by every replica), so /health can say when a schedule has not fired for two intervals.
 */
export function createScheduleKeeper(opts: ScheduleKeeperOptions) {
  const now = opts.now ?? Date.now
  const startedAt = now()
  const localFired = new Map<string, number>()
  let timer: NodeJS.Timeout | undefined
  let checking: Promise<void> | undefined
  for (const s of opts.schedules) opts.metrics?.scheduleInterval.set({ schedule: s.id }, s.everyMs / 1000)

  async function ensure(s: Schedule): Promise<boolean> {
    if (await s.queue.getJobScheduler(s.id)) return false
    await upsertSweep(s.queue, s.id, s.everyMs, s.jobName)
    return true
  }

  /** Registers every missing scheduler; one check at a time, errors are logged (Redis may be down right now). */
  function check(reason: string): Promise<void> {
    checking ??= (async () => {
      for (const s of opts.schedules) {
        try {
          if ((await ensure(s)) && reason !== 'start') {
            opts.logger.warn({ schedule: s.id, reason }, 'job scheduler was missing from Redis: registered again')
            opts.metrics?.schedulesReasserted.inc({ schedule: s.id })
          }
        } catch (err) {
          opts.logger.warn({ err, schedule: s.id, reason }, 'could not check the job scheduler')
        }
      }
    })().finally(() => {
      checking = undefined
    })
    return checking
  }

  const onReady = () => void check('reconnect')

  async function lastFired(id: string): Promise<number | undefined> {
    const local = localFired.get(id)
    let shared: number | undefined
    try {
      const v = await Promise.race([
        opts.redis.get(opts.firedKey(id)),
        new Promise<null>((r) => setTimeout(() => r(null), 500).unref()),
      ])
      shared = v ? Number(v) : undefined
    } catch {
      shared = undefined
    }
    const best = Math.max(local ?? 0, shared ?? 0)
    return best > 0 ? best : undefined
  }

  return {
    /** Registers the schedulers and starts watching. */
    async start(): Promise<void> {
      await check('start')
      opts.redis.on('ready', onReady)
      const every = opts.checkEveryMs ?? Math.min(30_000, ...opts.schedules.map((s) => s.everyMs))
      timer = setInterval(() => void check('timer'), every)
      timer.unref()
    },
    check,
    /** Call from the tick's job handler: records the fire time for every replica. */
    async fired(scheduleId: string): Promise<void> {
      const t = now()
      localFired.set(scheduleId, t)
      opts.metrics?.scheduleLastFired.set({ schedule: scheduleId }, t / 1000)
      const s = opts.schedules.find((x) => x.id === scheduleId)
      // kept for ten intervals: long enough to report, gone after the schedule itself is removed
      await opts.redis.set(opts.firedKey(scheduleId), String(t), 'PX', (s?.everyMs ?? 60_000) * 10)
    },
    /** Per schedule: last fire time and whether it is overdue (nothing for two intervals since it or our start). */
    async status(): Promise<ScheduleStatus[]> {
      return Promise.all(
        opts.schedules.map(async (s) => {
          const last = await lastFired(s.id)
          if (last) opts.metrics?.scheduleLastFired.set({ schedule: s.id }, last / 1000)
          return scheduleStatus(s, last, startedAt, now())
        }),
      )
    },
    stop(): void {
      if (timer) clearInterval(timer)
      opts.redis.off('ready', onReady)
    },
  }
}

export type ScheduleKeeper = ReturnType<typeof createScheduleKeeper>
