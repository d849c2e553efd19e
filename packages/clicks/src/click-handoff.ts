import type { Redis } from 'ioredis'
import { defineAddClicksOnce } from './add-once.js'
import type { ClickBatch, ClickRecord } from './click-record.js'
import { encodeClickBatch } from './click-wire.js'
import type { FallbackBuffer } from './fallback-buffer.js'

export type ClickHandoffOptions = {
  /** undefined: no Redis by configuration (one process); every batch goes to the fallback buffer, i.e. Postgres. */
  redis: Redis | undefined
  stream: string
  markerKey: (batchId: string) => string
  fallback: FallbackBuffer
  /** Unique per process: batch ids are `<instanceId>:<seq>`. */
  instanceId: string
  /** Collect records this long before one XADD (the hot path never awaits Redis per click). */
  lingerMs?: number
  maxPerBatch?: number
  /** How long a batch with an unknown outcome waits for Redis before going to Postgres directly. */
  retryGraceMs?: number
  onError?: (err: unknown) => void
}

/**
 * The hot path's side of the click pipeline: `record()` is synchronous and cheap; records are sent to the Redis
 * stream in batches, or to the fallback buffer when Redis is not connected. A send that fails after it went out
 * is retried idempotently once Redis is back.
 */
export function createClickHandoff(opts: ClickHandoffOptions) {
  const lingerMs = opts.lingerMs ?? 5
  const maxPerBatch = opts.maxPerBatch ?? 500
  const graceMs = opts.retryGraceMs ?? 30_000
  const markerTtl = Math.ceil((graceMs * 4) / 1000)
  const redis = opts.redis
  const addOnce = redis ? defineAddClicksOnce(redis) : undefined

  let pending: ClickRecord[] = []
  let seq = 0
  let timer: NodeJS.Timeout | undefined
  const inflight = new Set<Promise<void>>()
  let uncertain: Array<{ batch: ClickBatch; since: number }> = []
  const retryTimer = setInterval(() => void retryUncertain(false), 500)
  retryTimer.unref()

  const ready = () => redis?.status === 'ready'

  function send(batch: ClickBatch, since = Date.now()): void {
    if (addOnce === undefined || !ready()) {
      // nothing went out: Postgres directly, no risk of a duplicate
      opts.fallback.add(batch)
      return
    }
    const p = addOnce(opts.stream, opts.markerKey(batch.id), encodeClickBatch(batch), markerTtl)
      .then(
        () => {},
        (err: unknown) => {
          opts.onError?.(err)
          uncertain.push({ batch, since })
        },
      )
      .finally(() => inflight.delete(p))
    inflight.add(p)
  }

  function sendPending(): void {
    clearTimeout(timer)
    timer = undefined
    if (pending.length === 0) return
    const batch = { id: `${opts.instanceId}:${seq++}`, records: pending }
    pending = []
    send(batch)
  }

  async function retryUncertain(final: boolean): Promise<void> {
    if (uncertain.length === 0) return
    const now = Date.now()
    const items = uncertain
    uncertain = []
    for (const item of items) {
      if (ready()) send(item.batch, item.since)
      else if (final || now - item.since > graceMs) opts.fallback.add(item.batch)
      else uncertain.push(item)
    }
    await Promise.allSettled([...inflight])
  }

  return {
    record(r: ClickRecord): void {
      pending.push(r)
      if (pending.length >= maxPerBatch) sendPending()
      else timer ??= setTimeout(sendPending, lingerMs)
    },
    /** Records not yet confirmed by Redis (collected, in flight or waiting for a retry). */
    depth: () => pending.length + uncertain.reduce((n, u) => n + u.batch.records.length, 0),
    /** Sends what is collected and waits for every outstanding send; leftovers go to the fallback buffer. */
    async close(): Promise<void> {
      clearInterval(retryTimer)
      sendPending()
      await Promise.allSettled([...inflight])
      await retryUncertain(false)
      await retryUncertain(true)
      for (const item of uncertain) opts.fallback.add(item.batch)
      uncertain = []
    },
  }
}
