import { readdirSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'

/**
 * Lowers this process's CPU priority to `nice` (docs/decisions/2026-11-27-click-writer-priority.md). Linux keeps a
 * nice value per thread and `os.setPriority` sets the calling thread's, so every thread already running (libuv's pool,
 * V8's helpers) is set too; threads started later inherit the main thread's. Never raises a priority (that needs a
 * privilege): a process started nicer keeps its own value. Returns the main thread's niceness afterwards.
 */
export function lowerCpuPriority(nice: number): number {
  if (nice > getPriority()) setPriority(nice)
  let tasks: string[] = []
  try {
    tasks = readdirSync('/proc/self/task')
  } catch {
    // not Linux: the main thread's value above is the process's
  }
  for (const tid of tasks) {
    try {
      if (nice > getPriority(Number(tid))) setPriority(Number(tid), nice)
    } catch {
      // a thread that ended meanwhile
    }
  }
  return getPriority()
}
