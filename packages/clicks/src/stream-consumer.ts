import type { Db } from '@ghostlink/db'
import type { Redis } from 'ioredis'
import type { ClickBatch } from './click-record.js'
import { decodeClickBatch } from './click-wire.js'
import { insertClicks, pruneClickBatches } from './insert-clicks.js'
import { foldSettled } from './stats/fold-click-stats.js'

const PRUNE_EVERY_MS = 10 * 60_000

export type StreamConsumerOptions = {
  /** A connection of its own (XREADGROUP BLOCK holds it). */
  redis: Redis
  db: Db
  stream: string
  group: string
  /** Unique per process, so XAUTOCLAIM can tell a dead replica's entries from ours. */
  consumer: string
  entriesPerRead?: number
  blockMs?: number
  /** Entries pending this long on another consumer are taken over (that replica died). */
  claimIdleMs?: number
  onFlushed: (n: number) => void
  onDropped: (n: number) => void
  onError: (err: unknown) => void
}

type Entry = [id: string, fields: string[]]

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Reads click batches from the stream with a consumer group, inserts them into Postgres and only then acknowledges
 * (XACK + XDEL, so the stream holds only unprocessed entries). A failed insert leaves the entries pending; they are
 * re-read from this consumer's pending list. Delivery is at least once: a crash between COMMIT and XACK repeats a batch.
 */
export function createStreamConsumer(opts: StreamConsumerOptions) {
  const entriesPerRead = opts.entriesPerRead ?? 20
  const blockMs = opts.blockMs ?? 1_000
  const claimIdleMs = opts.claimIdleMs ?? 30_000
  const r = opts.redis
  let running = false
  let loop: Promise<void> | undefined
  let groupReady = false
  let readPending = true
  let lastClaim = 0
  let lastPrune = 0
  // inserted but not yet acknowledged (Redis went away in between): acknowledged later without inserting again
  const committed = new Set<string>()

  async function ensureGroup(): Promise<void> {
    if (groupReady) return
    try {
      await r.xgroup('CREATE', opts.stream, opts.group, '0', 'MKSTREAM')
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err
    }
    groupReady = true
  }

  async function claimStale(): Promise<void> {
    lastClaim = Date.now()
    let cursor = '0-0'
    do {
      const res = (await r.xautoclaim(opts.stream, opts.group, opts.consumer, claimIdleMs, cursor, 'COUNT', 100, 'JUSTID')) as [string, string[]]
      cursor = res[0]
      if (res[1].length > 0) readPending = true
    } while (cursor !== '0-0')
  }

  async function process(entries: Entry[]): Promise<void> {
    const batches: ClickBatch[] = []
    const ids: string[] = []
    for (const [id, fields] of entries) {
      ids.push(id)
      if (committed.has(id) || fields === null) continue
      const parsed = parseEntry(fields)
      if (parsed) batches.push(parsed)
      else opts.onDropped(1) // not ours or corrupt: acknowledged so it cannot block the group
    }
    // a full read: more entries are waiting (a backlog), so the statistics fold less often
    const backlog = entries.length >= entriesPerRead
    if (batches.length > 0) opts.onFlushed(await insertClicks(opts.db, batches, { onFoldError: opts.onError, backlog }))
    if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = Date.now()
      await pruneClickBatches(opts.db)
    }
    for (const id of ids) committed.add(id)
    await r.multi().xack(opts.stream, opts.group, ...ids).xdel(opts.stream, ...ids).exec()
    for (const id of ids) committed.delete(id)
  }

  /** One read + insert + ack. Returns the number of entries handled. */
  async function step(block: boolean): Promise<number> {
    await ensureGroup()
    if (Date.now() - lastClaim > claimIdleMs / 2) await claimStale()
    const from = readPending ? '0' : '>'
    const blockArgs = block && from === '>' ? ['BLOCK', blockMs] : []
    const res = (await r.xreadgroup(
      'GROUP', opts.group, opts.consumer, 'COUNT', entriesPerRead, ...(blockArgs as []), 'STREAMS', opts.stream, from,
    )) as Array<[string, Entry[]]> | null
    const entries = res?.[0]?.[1] ?? []
    if (from === '0' && entries.length === 0) readPending = false
    if (entries.length > 0) await process(entries)
    return entries.length
  }

  async function run(): Promise<void> {
    let backoff = 100
    while (running) {
      // queue nothing while disconnected: a command parked in the offline queue could outlive close()
      if (r.status !== 'ready') {
        await sleep(100)
        continue
      }
      try {
        await step(true)
        backoff = 100
      } catch (err) {
        if (!running) break
        if (String((err as Error).message).includes('NOGROUP')) groupReady = false // Redis came back empty
        readPending = true
        opts.onError(err)
        await sleep(backoff)
        backoff = Math.min(backoff * 2, 2_000)
      }
    }
  }

  return {
    start(): void {
      running = true
      loop = run()
    },
    /**
     * Stops reading; then, if Redis is up, drains what is left in the stream (bounded by `deadlineMs`); then waits for
     * a statistics fold still running, so it is not cut by the connections closing.
     */
    async close(deadlineMs = 8_000): Promise<void> {
      try {
        await stop(deadlineMs)
      } finally {
        await foldSettled(opts.db)
      }
    },
  }

  async function stop(deadlineMs: number): Promise<void> {
    running = false
    // a blocked XREADGROUP returns within blockMs; with Redis down it would wait for a reconnect, so cut it
    const stopped = await Promise.race([loop?.then(() => true), sleep(blockMs + 500).then(() => false)])
    if (!stopped) {
      r.disconnect()
      await Promise.race([loop, sleep(500)])
      return
    }
    const until = Date.now() + deadlineMs
    readPending = true
    while (r.status === 'ready' && Date.now() < until) {
      try {
        const wasPending = readPending
        if ((await step(false)) === 0 && !wasPending) break
      } catch (err) {
        opts.onError(err)
        await sleep(200)
      }
    }
  }
}

function parseEntry(fields: string[]): ClickBatch | undefined {
  const at = fields.indexOf('b')
  return at < 0 || at + 1 >= fields.length ? undefined : decodeClickBatch(fields[at + 1]!)
}
