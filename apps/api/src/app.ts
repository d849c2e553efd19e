import { addMethodNotAllowed, contractPlugin, installLenientBodyParsers, trackRoutes } from '@ghostlink/http'
import { metricsPlugin } from '@ghostlink/metrics'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { authPlugin } from './auth/auth-plugin.js'
import { keyRateLimitPlugin } from './auth/key-rate-limit.js'
import { securityHeadersPlugin } from './auth/security-headers.js'
import { createApiBeforeScrape } from './metrics/before-scrape.js'
import { type ApiDeps, depsPlugin } from './plugins/deps.js'
import canaryRoutes from './routes/canaries.js'
import healthRoutes from './routes/health.js'
import keyRoutes from './routes/keys.js'
import openApiRoutes from './routes/openapi.js'
import quarantineRoutes from './routes/quarantine.js'
import shortenRoutes from './routes/shorten.js'
import urlQrRoutes from './routes/url-qr.js'
import statsRoutes from './routes/stats.js'
import urlRiskRoutes from './routes/url-risk.js'
import urlRoutes from './routes/urls/index.js'
import dashboardRoutes from './routes/dashboard.js'
import eventRoutes from './routes/events.js'
import usersBulkRoutes from './routes/users-bulk.js'
import userRoutes from './routes/users.js'
import { linkLookupPlugin } from './urls/link-lookup-plugin.js'

/** The management API as a plugin: dependencies come in as options; server.ts owns the process. */
export const api = fp(
  async (app: FastifyInstance, deps: ApiDeps) => {
    const routes = trackRoutes(app)
    installLenientBodyParsers(app)
    await app.register(depsPlugin, deps)
    await app.register(contractPlugin, { appVersion: deps.config.APP_VERSION })
    await app.register(securityHeadersPlugin)
    // who may call what: every route below declares `config: { auth }` (docs/SECURITY.md#declaring-access)
    await app.register(authPlugin, { publicPaths: ['/metrics'] })
    if (deps.config.AUTH_MODE === 'token') await app.register(keyRateLimitPlugin)
    await app.register(metricsPlugin, {
      registry: deps.metrics.registry,
      httpRequestDuration: deps.metrics.httpRequestDuration,
      beforeScrape: createApiBeforeScrape({ db: deps.db, config: deps.config, metrics: deps.metrics, log: app.log }),
    })
    await app.register(linkLookupPlugin)

    await app.register(healthRoutes)
    await app.register(canaryRoutes)
    await app.register(shortenRoutes)
    await app.register(urlRoutes)
    await app.register(urlRiskRoutes)
    await app.register(urlQrRoutes)
    await app.register(userRoutes)
    await app.register(usersBulkRoutes)
    await app.register(eventRoutes)
    await app.register(quarantineRoutes)
    await app.register(dashboardRoutes)
    // API keys and /users/me exist in token mode only: open mode is the original's route table (docs/CONTRACT.md#c-1-0)
    if (deps.config.AUTH_MODE === 'token') await app.register(keyRoutes)
    await app.register(openApiRoutes)
    await app.register(statsRoutes)

    app.after(() => addMethodNotAllowed(app, routes))
  },
  { name: 'ghostlink-api' },
)
