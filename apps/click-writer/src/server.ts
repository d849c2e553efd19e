// The click writer: a process that only drains the click stream into Postgres (consumer group `click-writers`).
// Run it next to redirect replicas started with CLICK_CONSUMER=off, so the replicas spend their CPU on redirects and
// the writers scale (or lag, buffered by the stream) on their own. docs/ARCHITECTURE.md, "Where the consumer runs".
import { createClickWriters, insertClicks } from '@ghostlink/clicks'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb } from '@ghostlink/db'
import { persistenceWarning, redisPersistence } from '@ghostlink/redis'
import { createRedirectMetrics } from '@ghostlink/metrics'
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import { clickWriterApp } from './app.js'
import { lowerCpuPriority } from './cpu-priority.js'
import { createEdgeLogShipper } from './edge-log-shipper.js'

const config = loadConfig()
const app = Fastify({ logger: { level: config.LOG_LEVEL } })
// redirects first: this process takes the CPU the visitors' requests leave (CLICK_WRITER_NICE)
const nice = lowerCpuPriority(config.CLICK_WRITER_NICE)
app.log.info({ nice }, 'click writer CPU priority')
const concurrency = config.CLICK_WRITER_CONCURRENCY
const db = createDb(config.databaseUrl, Math.max(config.DATABASE_POOL_MAX, concurrency + 1))
const metrics = createRedirectMetrics(config.release, config.flags)
let lastLog = 0
const writers = createClickWriters({
  config,
  db,
  metrics,
  concurrency,
  onError: (err) => {
    if (Date.now() - lastLog < 5_000) return
    lastLog = Date.now()
    app.log.warn({ err }, 'click stream consumer error; will retry')
  },
})

// the edge's micro-cache answers hot codes itself and logs them: ship that log (EDGE_CLICK_LOG) into Postgres with
// the same insert as the stream's batches
const onInsertError = (err: unknown) => app.log.warn({ err }, 'click statistics fold failed; the next one takes its rows')
const shipper = !config.EDGE_CLICK_LOG
  ? undefined
  : createEdgeLogShipper({
      path: config.EDGE_CLICK_LOG,
      stateFile: config.EDGE_CLICK_LOG_STATE || `${config.EDGE_CLICK_LOG}.offset`,
      write: async (batch) =>
        metrics.clicksFlushed.inc({ path: 'edge-log' }, await insertClicks(db, [batch], { onFoldError: onInsertError })),
      source: config.EDGE_CLICK_LOG_SOURCE,
      onSkipped: (n) => app.log.warn({ lines: n }, 'edge click log: lines that are not a cached redirect were skipped'),
      onError: (err) => {
        if (Date.now() - lastLog < 5_000) return
        lastLog = Date.now()
        app.log.warn({ err }, 'edge click log shipper error; will retry')
      },
    })

await app.register(clickWriterApp, { db, redis: writers.redis, metrics, appVersion: config.APP_VERSION })

writers.start()
shipper?.start()
// the stream is the clicks' only copy until they are inserted: say so when Redis would lose it on a restart
void redisPersistence(writers.redis).then((p) => {
  const warning = persistenceWarning(p)
  if (warning) app.log.warn({ redis_persistence: p }, warning)
})
closeWithGrace({ delay: 15_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after error')
  await app.close()
  // the shipper first (it writes what the log holds now, within its deadline), then the stream consumers
  await shipper?.close()
  await writers.close()
  await closeDb(db)
})

await app.listen({ host: config.HOST, port: config.CLICK_WRITER_PORT })
