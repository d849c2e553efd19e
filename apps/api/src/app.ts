import { addMethodNotAllowed, contractPlugin, installLenientBodyParsers, trackRoutes } from '@ghostlink/http'
import { metricsPlugin } from '@ghostlink/metrics'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type ApiDeps, depsPlugin } from './plugins/deps.js'
import canaryRoutes from './routes/canaries.js'
import healthRoutes from './routes/health.js'

/** The management API as a plugin: dependencies come in as options; server.ts owns the process. */
export const api = fp(
  async (app: FastifyInstance, deps: ApiDeps) => {
    const routes = trackRoutes(app)
    installLenientBodyParsers(app)
    await app.register(depsPlugin, deps)
    await app.register(contractPlugin, { appVersion: deps.config.APP_VERSION })
    await app.register(metricsPlugin, {
      registry: deps.metrics.registry,
      httpRequestDuration: deps.metrics.httpRequestDuration,
    })

    await app.register(healthRoutes)
    await app.register(canaryRoutes)

    app.after(() => addMethodNotAllowed(app, routes))
  },
  { name: 'ghostlink-api' },
)
