import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Histogram, Registry } from 'prom-client'

export type MetricsPluginOptions = {
  registry: Registry
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>
  /** Path serving the Prometheus text; null to not serve it from this app. */
  path?: string | null
  /** Called before each scrape, e.g. to refresh gauges from the database. */
  beforeScrape?: () => Promise<void>
}

/** Records every request by route template and status, and serves the registry at `path`. */
export const metricsPlugin = fp(
  async (app: FastifyInstance, opts: MetricsPluginOptions) => {
    // one child per (method, route, status): label hashing on every request costs more than the observation
    const children = new Map<string, Histogram.Internal<'method' | 'route' | 'status_code'>>()
    app.addHook('onResponse', (req, reply, done) => {
      const route = req.routeOptions.url ?? '__unknown__'
      const key = `${req.method} ${reply.statusCode} ${route}`
      let child = children.get(key)
      if (child === undefined) {
        child = opts.httpRequestDuration.labels({ method: req.method, route, status_code: String(reply.statusCode) })
        children.set(key, child)
      }
      child.observe(reply.elapsedTime / 1000)
      done()
    })
    const path = opts.path === undefined ? '/metrics' : opts.path
    if (path === null) return
    app.get(path, async (_req, reply) => {
      await opts.beforeScrape?.()
      // contract §6.1: exact content type asserted by the original's tests
      reply.header('content-type', 'text/plain; charset=utf-8')
      return opts.registry.metrics()
    })
  },
  { name: 'ghostlink-metrics' },
)
