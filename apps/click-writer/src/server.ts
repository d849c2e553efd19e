// The click writer: a process that only drains the click stream into Postgres (consumer group `click-writers`).
// Run it next to redirect replicas started with CLICK_CONSUMER=off, so the replicas spend their CPU on redirects and
// the writers scale (or lag, buffered by the stream) on their own. docs/ARCHITECTURE.md, "Where the consumer runs".
import { createClickWriters } from '@ghostlink/clicks'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb } from '@ghostlink/db'
import { persistenceWarning, redisPersistence } from '@ghostlink/redis'
import { createRedirectMetrics } from '@ghostlink/metrics'
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import { clickWriterApp } from './app.js'

const config = loadConfig()
const app = Fastify({ logger: { level: config.LOG_LEVEL } })
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

await app.register(clickWriterApp, { db, redis: writers.redis, metrics, appVersion: config.APP_VERSION })

writers.start()
// the stream is the clicks' only copy until they are inserted: say so when Redis would lose it on a restart
void redisPersistence(writers.redis).then((p) => {
  const warning = persistenceWarning(p)
  if (warning) app.log.warn({ redis_persistence: p }, warning)
})
closeWithGrace({ delay: 15_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after error')
  await app.close()
  await writers.close()
  await closeDb(db)
})

await app.listen({ host: config.HOST, port: config.CLICK_WRITER_PORT })
