import { LocalQueue } from './local-queue.js'

/**
 * The in-process stand-in for the Redis that BullMQ's queues share: one LocalQueue per queue name, so a producer
 * (the API, the prober's risk rescore) and the worker of that queue meet on the same object.
 */
export function createLocalJobs(opts: { now?: () => number } = {}) {
  const queues = new Map<string, LocalQueue>()
  return {
    queue(name: string): LocalQueue {
      let q = queues.get(name)
      if (!q) {
        q = new LocalQueue(name, opts.now)
        queues.set(name, q)
      }
      return q
    },
    /** Closes every queue: schedulers and timers stop, running jobs finish, jobs not started are dropped. */
    async close(): Promise<void> {
      await Promise.all([...queues.values()].map((q) => q.close()))
    },
  }
}

export type LocalJobs = ReturnType<typeof createLocalJobs>
