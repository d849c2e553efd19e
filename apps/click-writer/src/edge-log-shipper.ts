import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { type ClickBatch, type ClickRecord, parseEdgeClickLine } from '@ghostlink/clicks'
import { z } from 'zod'

/**
 * Ships the edge's click log (the requests nginx's micro-cache answered itself, infra/nginx/nginx.conf.template) into
 * Postgres: each range of whole lines becomes one click batch, written by `write` (the click writer's insertClicks,
 * the same insert the stream's batches get). Not through the Redis stream: the log file is already a durable buffer,
 * so the stream's encoding, XADD, read and ack were pure cost, and a Redis restart could lose what it held
 * (docs/decisions/2026-11-27-edge-micro-cache.md).
 *
 * Neither lost nor doubled across a crash: the state file says how far the log was shipped. Before a range is
 * written, it is recorded in the state file as pending; after the insert committed, the offset moves past it. A
 * restart writes a pending range again, with the same batch id (`<source>:<gen>.<ino>:<start offset>`), and a batch
 * id lands once (`click_batches`, claimed in the insert's transaction).
 *
 * Rotation: rename the file, then `nginx -s reopen`. The shipper keeps the old file open, ships it to its end once the
 * path names a new file (nginx flushes its buffer on reopen), and starts the new file at 0 with the next generation.
 * docs/decisions/2026-11-27-edge-micro-cache.md.
 */
export type EdgeLogShipperOptions = {
  path: string
  /** Where the shipped offset is kept (written atomically: a temp file renamed over it). */
  stateFile: string
  /** Writes one batch, idempotently by its id (insertClicks); resolves once it is committed. */
  write: (batch: ClickBatch) => Promise<unknown>
  /** Batch id prefix; unique per edge log shipped into one database. */
  source: string
  pollMs?: number
  maxBatchBytes?: number
  onShipped?: (records: number) => void
  /** Lines that are not a cached redirect (corrupt or foreign): skipped, counted. */
  onSkipped?: (lines: number) => void
  onError?: (err: unknown) => void
}

const StateSchema = z.object({
  gen: z.number().int().nonnegative(),
  ino: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  pending: z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() }).optional(),
})
type State = z.infer<typeof StateSchema>

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function createEdgeLogShipper(opts: EdgeLogShipperOptions) {
  const pollMs = opts.pollMs ?? 100
  const maxBatchBytes = opts.maxBatchBytes ?? 1 << 20
  let state = loadState()
  let fd: number | undefined
  let running = false
  let loop: Promise<void> | undefined

  function loadState(): State | undefined {
    try {
      return StateSchema.parse(JSON.parse(readFileSync(opts.stateFile, 'utf8')))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') opts.onError?.(new Error(`edge click log state unreadable, starting over: ${String(err)}`))
      return undefined
    }
  }
  function saveState(next: State): void {
    const tmp = `${opts.stateFile}.tmp`
    writeFileSync(tmp, JSON.stringify(next))
    renameSync(tmp, opts.stateFile)
    state = next
  }

  const inodeAtPath = (): number | undefined => {
    try {
      return statSync(opts.path).ino
    } catch {
      return undefined
    }
  }

  /** Opens the file the state points at (or the one at the path, the first time). False when there is none yet. */
  function ensureOpen(): boolean {
    if (fd !== undefined) return true
    const ino = inodeAtPath()
    if (ino === undefined) return false
    fd = openSync(opts.path, 'r')
    const opened = fstatSync(fd).ino
    if (state === undefined) saveState({ gen: 0, ino: opened, offset: 0 })
    // the file the state was about is gone (rotated while we were down): what was left of it cannot be found
    else if (state.ino !== opened) {
      opts.onError?.(new Error(`edge click log ${opts.path} is a new file; the rest of the previous one was not shipped`))
      saveState({ gen: state.gen + 1, ino: opened, offset: 0 })
    } else if (fstatSync(fd).size < state.offset) {
      opts.onError?.(new Error(`edge click log ${opts.path} was truncated; shipping it from the start`))
      saveState({ gen: state.gen + 1, ino: opened, offset: 0 })
    }
    return true
  }

  function read(start: number, end: number): Buffer {
    const buf = Buffer.allocUnsafe(end - start)
    let got = 0
    while (got < buf.length) {
      const n = readSync(fd!, buf, got, buf.length - got, start + got)
      if (n === 0) break
      got += n
    }
    return buf.subarray(0, got)
  }

  /** Writes [start, end) of the current file as one batch (idempotent), then moves the offset past it. */
  async function send(s: State, start: number, end: number): Promise<void> {
    const lines = read(start, end).toString('utf8').split('\n')
    const records: ClickRecord[] = []
    let skipped = 0
    for (const line of lines) {
      if (line === '') continue
      const r = parseEdgeClickLine(line)
      if (r) records.push(r)
      else skipped++
    }
    if (skipped > 0) opts.onSkipped?.(skipped)
    if (records.length > 0) {
      await opts.write({ id: `${opts.source}:${s.gen}.${s.ino}:${start}`, records })
      opts.onShipped?.(records.length)
    }
    saveState({ gen: s.gen, ino: s.ino, offset: end })
  }

  /** One step: a pending range, else the next whole lines of the file. Returns true when it shipped something. */
  async function step(): Promise<boolean> {
    if (!ensureOpen()) return false
    const s = state!
    if (s.pending) {
      await send(s, s.pending.start, s.pending.end)
      return true
    }
    const size = fstatSync(fd!).size
    if (size > s.offset) {
      const chunk = read(s.offset, Math.min(size, s.offset + maxBatchBytes))
      const cut = chunk.lastIndexOf(10) // '\n': nginx writes whole lines; a partial one waits for its end
      if (cut < 0) return false
      const pending = { start: s.offset, end: s.offset + cut + 1 }
      saveState({ ...s, pending })
      await send(state!, pending.start, pending.end)
      return true
    }
    // at the end of this file: has the path moved on to a new one (rotated and reopened)?
    const atPath = inodeAtPath()
    if (atPath !== undefined && atPath !== s.ino) {
      // nginx may have flushed its last lines into the old file while we looked: finish it first
      if (fstatSync(fd!).size > s.offset) return true
      closeSync(fd!)
      fd = openSync(opts.path, 'r')
      saveState({ gen: s.gen + 1, ino: fstatSync(fd).ino, offset: 0 })
      return true
    }
    return false
  }

  async function run(): Promise<void> {
    let backoff = pollMs
    while (running) {
      try {
        if (!(await step())) await sleep(pollMs)
        backoff = pollMs
      } catch (err) {
        opts.onError?.(err)
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
    /** Ships what the file holds now (bounded by `deadlineMs`), then stops; the rest waits for the next start. */
    async close(deadlineMs = 5_000): Promise<void> {
      running = false
      await loop
      const until = Date.now() + deadlineMs
      try {
        while (Date.now() < until && (await step())) {}
      } catch (err) {
        opts.onError?.(err)
      }
      if (fd !== undefined) closeSync(fd)
      fd = undefined
    },
    /** Where shipping stands: the file's inode and the shipped offset (tests, the bench). */
    position: () => (state ? { ino: state.ino, offset: state.offset, pending: state.pending !== undefined } : undefined),
  }
}
