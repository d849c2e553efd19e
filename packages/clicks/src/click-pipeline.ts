import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Config } from '@ghostlink/config'
import type { Db } from '@ghostlink/db'
import { createBlockingRedis, redisKeys } from '@ghostlink/redis'
import type { RedirectMetrics } from '@ghostlink/metrics'
import type { Redis } from 'ioredis'
import type { FastifyBaseLogger } from 'fastify'
import { clickBatchMarker } from './add-once.js'
import { createClickHandoff } from './click-handoff.js'
import type { ClickRecord } from './click-record.js'
import { createFallbackBuffer } from './fallback-buffer.js'
import { createStreamConsumer } from './stream-consumer.js'

/** The consumer-group reader of the click stream, shared by the replicas (CLICK_CONSUMER) and the click writer. */
/** The stream's consumer group: every click writer (and a replica with CLICK_CONSUMER on) joins it. */
export const CLICK_WRITER_GROUP = 'click-writers'

export function createClickStreamConsumer(opts: {
  config: Pick<Config, 'REDIS_PREFIX'>
  db: Db
  consumerRedis: Redis
  metrics: RedirectMetrics
  instanceId: string
  claimIdleMs?: number
  onError: (err: unknown) => void
}) {
  return createStreamConsumer({
    redis: opts.consumerRedis,
    db: opts.db,
    stream: redisKeys(opts.config.REDIS_PREFIX).clickStream,
    group: CLICK_WRITER_GROUP,
    consumer: opts.instanceId,
    claimIdleMs: opts.claimIdleMs,
    onFlushed: (n) => opts.metrics.clicksFlushed.inc({ path: 'stream' }, n),
    onDropped: (n) => opts.metrics.clicksDropped.inc(n),
    onError: opts.onError,
  })
}

/**
 * The click writer's side (apps/click-writer): `concurrency` members of the consumer group in one process, each
 * blocking on its own Redis connection with its own insert in flight (CLICK_WRITER_CONCURRENCY).
 */
export function createClickWriters(opts: {
  config: Pick<Config, 'REDIS_PREFIX' | 'REDIS_URL'>
  db: Db
  metrics: RedirectMetrics
  concurrency: number
  onError: (err: unknown) => void
}) {
  const instanceId = newInstanceId()
  const loops = Array.from({ length: opts.concurrency }, (_, i) => {
    const redis = createBlockingRedis(opts.config.REDIS_URL, `ghostlink-click-writer-${i}`)
    redis.on('error', () => {}) // reconnects in the background; the consumer reports its own failures
    const consumer = createClickStreamConsumer({ ...opts, consumerRedis: redis, instanceId: `${instanceId}-${i}` })
    return { redis, consumer }
  })
  return {
    /** The first connection: what /health and /ready report. */
    redis: loops[0]!.redis,
    start(): void {
      for (const l of loops) l.consumer.start()
    },
    /** Each consumer drains what is left in the stream while Redis and Postgres answer; then the connections close. */
    async close(): Promise<void> {
      await Promise.all(loops.map((l) => l.consumer.close()))
      for (const l of loops) l.redis.disconnect()
    },
  }
}

/** Unique per process: stream batch ids and consumer names are built from it. */
export const newInstanceId = () => `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`

export type ClickPipelineOptions = {
  config: Pick<Config, 'REDIS_PREFIX' | 'CLICK_BATCH_SIZE' | 'CLICK_FLUSH_INTERVAL_MS' | 'CLICK_BUFFER_MAX' | 'CLICK_CONSUMER'>
  db: Db
  /** Non-blocking client for XADD (createRedis); undefined: no Redis by configuration (one process). */
  redis: Redis | undefined
  /** Dedicated client for XREADGROUP BLOCK (createBlockingRedis); closed by the pipeline's close(). None without Redis. */
  consumerRedis: Redis | undefined
  metrics: RedirectMetrics
  log: FastifyBaseLogger
  /** Test hook: how long a pending entry of a dead consumer waits before being claimed. */
  claimIdleMs?: number
}

export type ClickPipeline = {
  record(r: ClickRecord): void
  /** Updates the queue-depth gauge (called before a scrape). */
  refreshDepth(): Promise<void>
  close(): Promise<void>
}

/**
 * Hot path → Redis stream → consumer group (inside each replica, or in the click writer when CLICK_CONSUMER is off)
 * → batched INSERTs; with Redis down, or with no Redis at all (one process),
 * hot path → in-memory buffer → batched INSERTs by this replica (docs/ARCHITECTURE.md "Click pipeline").
 */
export function createClickPipeline(opts: ClickPipelineOptions): ClickPipeline {
  const keys = redisKeys(opts.config.REDIS_PREFIX)
  const instanceId = newInstanceId()
  const { metrics, log } = opts
  // errors repeat at request rate while a dependency is down: log the first of each burst only
  let lastLog = 0
  const logError = (what: string) => (err: unknown) => {
    if (Date.now() - lastLog < 5_000) return
    lastLog = Date.now()
    log.warn({ err }, what)
  }

  const fallback = createFallbackBuffer({
    db: opts.db,
    max: opts.config.CLICK_BUFFER_MAX,
    batchSize: opts.config.CLICK_BATCH_SIZE,
    intervalMs: opts.config.CLICK_FLUSH_INTERVAL_MS,
    onFlushed: (n) => metrics.clicksFlushed.inc({ path: 'direct' }, n),
    onDropped: (n) => metrics.clicksDropped.inc(n),
    onError: logError('click buffer flush failed; will retry'),
  })
  const handoff = createClickHandoff({
    redis: opts.redis,
    stream: keys.clickStream,
    markerKey: (id) => clickBatchMarker(keys.clickStream, id),
    fallback,
    instanceId,
    onError: logError('click hand-off to Redis failed; will retry or buffer'),
  })
  const consumerRedis = opts.consumerRedis
  const consumer =
    opts.config.CLICK_CONSUMER && consumerRedis
      ? createClickStreamConsumer({ ...opts, consumerRedis, instanceId, onError: logError('click stream consumer error; will retry') })
      : undefined
  fallback.start()
  consumer?.start()

  return {
    record: handoff.record,
    async refreshDepth() {
      metrics.clickQueueDepth.set({ where: 'memory' }, handoff.depth() + fallback.size())
      if (opts.redis?.status !== 'ready') return
      try {
        metrics.clickQueueDepth.set({ where: 'stream' }, await opts.redis.xlen(keys.clickStream))
      } catch {
        // gauge keeps its last value
      }
    },
    // order matters: nothing new is collected after app.close(); send what we hold, drain the stream, then the buffer
    async close() {
      await handoff.close()
      await consumer?.close()
      await fallback.close()
      consumerRedis?.disconnect()
      const left = fallback.size()
      if (left > 0) log.error({ left }, 'click records lost at shutdown: Postgres unreachable')
    },
  }
}
