import { contractPlugin } from '@ghostlink/http'
import { metricsPlugin } from '@ghostlink/metrics'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { depsPlugin, type RedirectDeps } from './plugins/deps.js'
import healthRoutes from './routes/health.js'
import redirectRoutes from './routes/redirect.js'

export type RedirectAppOptions = RedirectDeps

/** The redirect tier as a plugin: dependencies come in as options; server.ts owns the process. */
export const redirectApp = fp(
  async (app: FastifyInstance, opts: RedirectAppOptions) => {
    await app.register(depsPlugin, opts)
    await app.register(contractPlugin, { appVersion: opts.config.APP_VERSION })
    // /metrics on the same port; Nginx does not route it publicly
    await app.register(metricsPlugin, {
      registry: opts.metrics.registry,
      httpRequestDuration: opts.metrics.httpRequestDuration,
      beforeScrape: () => opts.clicks.refreshDepth(),
    })

    await app.register(healthRoutes)
    await app.register(redirectRoutes)
  },
  { name: 'ghostlink-redirect' },
)
