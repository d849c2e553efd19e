import { loadConfig } from '@ghostlink/config'
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import { api } from './app.js'
import { fastifyOptions } from './fastify-options.js'
import { loggerOptions } from './logger-options.js'
import { openApiDeps } from './open-deps.js'

const config = loadConfig()
const deps = openApiDeps(config)

const app = Fastify({ ...fastifyOptions(config), logger: loggerOptions(config.LOG_LEVEL) })
await app.register(api, deps)

closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after error')
  await app.close()
  await deps.close()
})

await app.listen({ host: config.HOST, port: config.API_PORT })
