import type { Db } from '@ghostlink/db'
import type { ClickBatch } from './click-record.js'
import { insertClicks } from './insert-clicks.js'
import { foldSettled } from './stats/fold-click-stats.js'

export type FallbackBufferOptions = {
  db: Db
  /** CLICK_BUFFER_MAX: records held at most; beyond that new records are dropped and counted. */
  max: number
  /** CLICK_BATCH_SIZE: records per INSERT (whole hand-off batches are never split: their id dedupes them). */
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
 * in batches (docs/decisions/rewrite-decisions.md#d-3). A failed insert keeps the batch at the head and retries on the next tick.
 */
export function createFallbackBuffer(opts: FallbackBufferOptions) {
  let batches: ClickBatch[] = []
  let size = 0
  let flushing: Promise<void> | undefined
  let timer: NodeJS.Timeout | undefined

  function add(batch: ClickBatch): void {
    const room = Math.max(0, opts.max - size)
    const kept = batch.records.length <= room ? batch : { id: batch.id, records: batch.records.slice(0, room) }
    if (kept.records.length < batch.records.length) opts.onDropped(batch.records.length - kept.records.length)
    if (kept.records.length === 0) return
    batches.push(kept)
    size += kept.records.length
  }

  /** Whole batches from the head, up to batchSize records (at least one batch). */
  function take(): ClickBatch[] {
    const out: ClickBatch[] = []
    let n = 0
    while (batches.length > 0 && (out.length === 0 || n + batches[0]!.records.length <= opts.batchSize)) {
      const head = batches.shift()!
      out.push(head)
      n += head.records.length
    }
    size -= n
    return out
  }

  async function drainOnce(): Promise<void> {
    while (size > 0) {
      const taken = take()
      try {
        opts.onFlushed(await insertClicks(opts.db, taken, { onFoldError: opts.onError, backlog: size > 0 }))
      } catch (err) {
        batches = [...taken, ...batches] // keep order, retry later
        size += taken.reduce((n, b) => n + b.records.length, 0)
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
    /**
     * Stops the timer and keeps flushing until empty or `deadlineMs` passes (Postgres down at shutdown); then waits for
     * a statistics fold still running.
     */
    async close(deadlineMs = 8_000): Promise<void> {
      clearInterval(timer)
      const until = Date.now() + deadlineMs
      await flush()
      while (size > 0 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 200))
        await flush()
      }
      await foldSettled(opts.db)
    },
  }
}
