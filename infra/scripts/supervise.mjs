// Process supervision for `pnpm dev` (infra/scripts/dev.mjs) and the chaos bench: a child that exits while we are not
// stopping is started again after an exponential backoff (a crash loop must not spin), and the backoff resets once
// a run has stayed up for a while. Generic: knows nothing about which services run.

/** Delay before restart number `failures` (0-based): base, 2×base, 4×base … capped at maxMs. */
export function restartDelayMs(failures, baseMs = 500, maxMs = 30_000) {
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures, 30))
}

/**
 * Starts `spawnChild()` and keeps it running. Returns an entry whose `child` is always the current process.
 * `isStopping()` true: an exit is final and `onFinalExit(entry)` is called.
 */
export function supervise({ name, spawnChild, isStopping, log = console.log, baseMs = 500, maxMs = 30_000, healthyAfterMs = 30_000, onFinalExit }) {
  const entry = { name, child: undefined, restarts: 0, pendingRestart: undefined }
  let failures = 0
  const launch = () => {
    entry.pendingRestart = undefined
    const startedAt = Date.now()
    const child = spawnChild()
    entry.child = child
    child.on('exit', (code, signal) => {
      if (isStopping()) {
        log(`exited (${signal ?? code})`)
        onFinalExit?.(entry)
        return
      }
      if (Date.now() - startedAt >= healthyAfterMs) failures = 0
      const delay = restartDelayMs(failures++, baseMs, maxMs)
      log(`exited (${signal ?? code}); restarting in ${delay} ms`)
      entry.pendingRestart = setTimeout(() => {
        if (isStopping()) return onFinalExit?.(entry)
        entry.restarts++
        launch()
      }, delay)
    })
  }
  launch()
  return entry
}

/** True when the entry's process has exited and no restart is pending. */
export const isDown = (entry) => entry.pendingRestart === undefined && (entry.child.exitCode !== null || entry.child.signalCode !== null)
