import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb } from '@ghostlink/db'
import { QUEUES } from '@ghostlink/jobs'
import { createRedis, redisKeys } from '@ghostlink/redis'
import { createApiMetrics } from '@ghostlink/metrics'
import { Queue } from 'bullmq'
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import { api } from './app.js'
import { fastifyOptions } from './fastify-options.js'
import { loggerOptions } from './logger-options.js'

const config = loadConfig()
const db = createDb(config.databaseUrl, config.DATABASE_POOL_MAX)
const redis = createRedis(config.REDIS_URL, 'ghostlink-api')
redis.on('error', () => {}) // reconnects in the background; /health reports the state
// Producers fail fast while Redis is down (no offline queue): callers fall back to doing the work inline.
const producer = (name: string) => {
  const queue = new Queue(name, {
    connection: { url: config.REDIS_URL, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
    prefix: redisKeys(config.REDIS_PREFIX).bull,
  })
  queue.on('error', () => {})
  return queue
}
const riskQueue = producer(QUEUES.risk)
// the risk worker renders the Nginx quarantine map from these jobs
const quarantineQueue = producer(QUEUES.quarantine)
const metrics = createApiMetrics(config.release, config.flags)

const app = Fastify({ ...fastifyOptions(config), logger: loggerOptions(config.LOG_LEVEL) })
await app.register(api, { config, db, redis, metrics, riskQueue, quarantineQueue })

closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after error')
  await app.close()
  await riskQueue.close()
  await quarantineQueue.close()
  redis.disconnect()
  await closeDb(db)
})

await app.listen({ host: config.HOST, port: config.API_PORT })
