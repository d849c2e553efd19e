import { type LocalQueue, upsertSweep } from '@ghostlink/jobs'
import type { QueueMetrics } from '@ghostlink/metrics'
import { type ScheduleStatus, scheduleStatus } from './schedule-keeper.js'

export type LocalSchedule = {
  queue: LocalQueue
  id: string
  everyMs: number
  /** job name of each tick (upsertSweep's default, JOB_NAMES.sweep, unless told) */
  jobName?: string
}

/**
 * The schedule keeper of one process without Redis: the schedules run on the local queues' timers (nothing can
 * remove them behind our back), and the fire times live in memory, so /health reports them as the Redis keeper does.
 */
export function createLocalScheduleKeeper(opts: {
  schedules: LocalSchedule[]
  metrics?: Pick<QueueMetrics, 'scheduleLastFired' | 'scheduleInterval'>
  now?: () => number
}) {
  const now = opts.now ?? Date.now
  const startedAt = now()
  const fired = new Map<string, number>()
  for (const s of opts.schedules) opts.metrics?.scheduleInterval.set({ schedule: s.id }, s.everyMs / 1000)
  return {
    /** Starts every schedule; its first tick is added at once, as BullMQ's `every` schedulers do. */
    async start(): Promise<void> {
      for (const s of opts.schedules) await upsertSweep(s.queue, s.id, s.everyMs, s.jobName)
    },
    /** Call from the tick's job handler. */
    async fired(scheduleId: string): Promise<void> {
      const t = now()
      fired.set(scheduleId, t)
      opts.metrics?.scheduleLastFired.set({ schedule: scheduleId }, t / 1000)
    },
    async status(): Promise<ScheduleStatus[]> {
      return opts.schedules.map((s) => scheduleStatus(s, fired.get(s.id), startedAt, now()))
    },
    stop(): void {
      for (const s of opts.schedules) s.queue.removeJobScheduler(s.id)
    },
  }
}
