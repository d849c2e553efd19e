import type { Db } from '@ghostlink/db'
import type { ClickRecord } from './click-record.js'
import { insertClicks } from './insert-clicks.js'

export type FallbackBufferOptions = {
  db: Db
  /** CLICK_BUFFER_MAX: records held at most; beyond that new records are dropped and counted. */
  max: number
  /** CLICK_BATCH_SIZE: rows per INSERT. */
  batchSize: number
  /** CLICK_FLUSH_INTERVAL_MS */
  intervalMs: number
  onFlushed: (n: number) => void
  onDropped: (n: number) => void
  onError: (err: unknown) => void
}

export type FallbackBuffer = ReturnType<typeof createFallbackBuffer>

/**
 * Where clicks go when Redis cannot take them: held in memory (bounded) and inserted into Postgres by this replica
 * in batches (rewrite-decisions §3). A failed insert keeps the batch at the head and retries on the next tick.
 */
export function createFallbackBuffer(opts: FallbackBufferOptions) {
  let batches: ClickRecord[][] = []
  let size = 0
  let flushing: Promise<void> | undefined
  let timer: NodeJS.Timeout | undefined

  function add(records: ClickRecord[]): void {
    const room = Math.max(0, opts.max - size)
    const kept = records.length <= room ? records : records.slice(0, room)
    if (kept.length < records.length) opts.onDropped(records.length - kept.length)
    if (kept.length === 0) return
    batches.push(kept)
    size += kept.length
  }

  function take(): ClickRecord[] {
    const out: ClickRecord[] = []
    while (batches.length > 0 && out.length < opts.batchSize) {
      const head = batches[0]!
      const n = Math.min(head.length, opts.batchSize - out.length)
      out.push(...head.slice(0, n))
      if (n === head.length) batches.shift()
      else batches[0] = head.slice(n)
    }
    size -= out.length
    return out
  }

  async function drainOnce(): Promise<void> {
    while (size > 0) {
      const batch = take()
      try {
        await insertClicks(opts.db, batch)
        opts.onFlushed(batch.length)
      } catch (err) {
        batches = [batch, ...batches] // keep order, retry later
        size += batch.length
        opts.onError(err)
        return
      }
    }
  }

  /** Inserts everything held now (one flush at a time); stops at the first failure. */
  function flush(): Promise<void> {
    flushing ??= drainOnce().finally(() => {
      flushing = undefined
    })
    return flushing
  }

  return {
    add,
    size: () => size,
    flush,
    start() {
      timer = setInterval(() => void flush(), opts.intervalMs)
      timer.unref()
    },
    /** Stops the timer and keeps flushing until empty or `deadlineMs` passes (Postgres down at shutdown). */
    async close(deadlineMs = 8_000): Promise<void> {
      clearInterval(timer)
      const until = Date.now() + deadlineMs
      await flush()
      while (size > 0 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 200))
        await flush()
      }
    },
  }
}
