// The web dashboard process (apps/web): server-rendered pages at /app/ that call the API over HTTP with the
// signed-in user's key. Sessions live in Redis (WEB_SESSION_STORE=redis, the default) or, for one process without
// Redis, in memory.
import { loadConfig } from '@ghostlink/config'
import { createRedis } from '@ghostlink/redis'
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import { webApp } from './app.js'
import { openWebDeps } from './open-web-deps.js'

const config = loadConfig()
// the edge's X-Forwarded-Proto tells whether the browser used https (Secure cookies)
const app = Fastify({ logger: { level: config.LOG_LEVEL }, trustProxy: config.TRUSTED_PROXIES })
const redis = config.WEB_SESSION_STORE === 'redis' ? createRedis(config.REDIS_URL, 'ghostlink-web') : undefined
const deps = openWebDeps(config, config.API_URL, redis)

await app.register(webApp, deps)

closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after error')
  await app.close()
  await deps.close()
  redis?.disconnect()
})

await app.listen({ host: config.HOST, port: config.WEB_PORT })
