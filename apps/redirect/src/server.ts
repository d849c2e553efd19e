import { loadConfig } from '@ghostlink/config'
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import { redirectApp } from './app.js'
import { fastifyOptions } from './fastify-options.js'
import { openDeps } from './open-deps.js'

const config = loadConfig()
const app = Fastify({ ...fastifyOptions(config), logger: { level: config.LOG_LEVEL } })
const deps = await openDeps(config, app.log)
await app.register(redirectApp, deps)

// stop accepting and finish in-flight requests (app.close), then flush clicks and close pools (deps.close)
closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after error')
  else app.log.info({ signal }, 'shutting down')
  await app.close()
  await deps.close()
})

await app.listen({ host: config.HOST, port: config.REDIRECT_PORT })
