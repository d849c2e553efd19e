import { type ReloadResult, runReloadCommand } from './run-reload-command.js'

export type ReloadCoalescerOptions = {
  /** at most one reload per this many ms (default 5 s) */
  minIntervalMs?: number
  run?: (command: string) => Promise<ReloadResult>
  /** the outcome of a reload that ran later than its request (log a failure there) */
  onLateResult?: (result: ReloadResult) => void
}

/**
 * Coalesces Nginx reloads. Each reload makes Nginx start new workers and close idle keep-alive connections, and 20
 * quarantine changes under load cost clients 123 read errors (issue 13). A request within `minIntervalMs` of the last
 * reload schedules one trailing reload instead, which reads the newest map: the last change is always applied, at
 * most a few seconds late. The redirect tier already enforces quarantine within a second, so the map is the second
 * line (docs/decisions/2026-11-27-coalesced-nginx-reloads.md).
 */
export function createReloadCoalescer(opts: ReloadCoalescerOptions = {}) {
  const minIntervalMs = opts.minIntervalMs ?? 5_000
  const run = opts.run ?? runReloadCommand
  let lastStart = Number.NEGATIVE_INFINITY
  let inFlight: Promise<ReloadResult> | undefined
  let trailing: { timer: NodeJS.Timeout; command: string; done: Promise<void>; fire: () => void } | undefined

  const start = (command: string): Promise<ReloadResult> => {
    lastStart = Date.now()
    const p = run(command).finally(() => {
      if (inFlight === p) inFlight = undefined
    })
    inFlight = p
    return p
  }

  const schedule = (command: string) => {
    if (trailing) {
      trailing.command = command
      return
    }
    const delay = Math.max(0, lastStart + minIntervalMs - Date.now())
    let fire!: () => void
    const done = new Promise<void>((resolve) => {
      fire = () => {
        const t = trailing
        trailing = undefined
        if (t) clearTimeout(t.timer)
        // wait for a reload still running, so two never overlap
        void (inFlight ?? Promise.resolve())
          .then(() => start(t?.command ?? command))
          .then((r) => opts.onLateResult?.(r))
          .finally(resolve)
      }
    })
    const timer = setTimeout(() => fire(), delay)
    timer.unref()
    trailing = { timer, command, done, fire }
  }

  return {
    /** Reloads now if the last reload is old enough, else makes sure one runs when it is (`{ ran: false, deferred: true }`). */
    request(command: string): Promise<ReloadResult> {
      if (command.trim() === '') return Promise.resolve({ ran: false })
      if (!inFlight && !trailing && Date.now() - lastStart >= minIntervalMs) return start(command)
      schedule(command)
      return Promise.resolve({ ran: false, deferred: true })
    },
    /** Runs a pending trailing reload now (graceful shutdown), and waits for it. */
    async flush(): Promise<void> {
      const t = trailing
      if (!t) return
      t.fire()
      await t.done
    },
    pending: () => trailing !== undefined,
  }
}

export type ReloadCoalescer = ReturnType<typeof createReloadCoalescer>

const shared = new Map<string, ReloadCoalescer>()

/** The process-wide coalescer for one reload command (the API's inline render and the risk worker share it). */
export function sharedReloadCoalescer(command: string, opts?: ReloadCoalescerOptions): ReloadCoalescer {
  let c = shared.get(command)
  if (!c) {
    c = createReloadCoalescer(opts)
    shared.set(command, c)
  }
  return c
}
