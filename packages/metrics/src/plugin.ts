import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { Registry } from 'prom-client'
import type { HistogramTally, TallyHistogram } from './tally.js'

export type MetricsPluginOptions = {
  registry: Registry
  httpRequestDuration: TallyHistogram<'method' | 'route' | 'status_code'>
  /** Path serving the Prometheus text; null to not serve it from this app. */
  path?: string | null
  /** Called before each scrape, e.g. to refresh gauges from the database. */
  beforeScrape?: () => Promise<void>
}

/** Records every request by route template and status, and serves the registry at `path`. */
export const metricsPlugin = fp(
  async (app: FastifyInstance, opts: MetricsPluginOptions) => {
    /** Observes one route's requests: the children for its statuses are looked up by number, bound on first use. */
    const observer = (route: string) => {
      const byStatus = new Map<string, Map<number, HistogramTally>>()
      return (req: FastifyRequest, reply: FastifyReply) => {
        let children = byStatus.get(req.method)
        if (children === undefined) {
          children = new Map()
          byStatus.set(req.method, children)
        }
        let child = children.get(reply.statusCode)
        if (child === undefined) {
          child = opts.httpRequestDuration.labels({ method: req.method, route, status_code: String(reply.statusCode) })
          children.set(reply.statusCode, child)
        }
        child.observe(reply.elapsedTime / 1000)
      }
    }

    // The route template is known when a route is registered: each route gets its own hook with the template bound,
    // instead of one global hook asking every request for `routeOptions` (an object built per access).
    app.addHook('onRoute', (route) => {
      const observe = observer(route.url ?? route.path)
      const hook: onResponseHookHandler = (req, reply, done) => {
        observe(req, reply)
        done()
      }
      route.onResponse = route.onResponse === undefined ? [hook] : [...[route.onResponse].flat(), hook]
    })
    // requests no route matched (the not-found handler) under one label, so a scan of random paths adds no series
    const unknown = observer('__unknown__')
    app.addHook('onResponse', (req, reply, done) => {
      if (req.is404) unknown(req, reply)
      done()
    })

    const path = opts.path === undefined ? '/metrics' : opts.path
    if (path === null) return
    app.get(path, async (_req, reply) => {
      await opts.beforeScrape?.()
      // docs/CONTRACT.md#c-6-1: exact content type asserted by the original's tests
      reply.header('content-type', 'text/plain; charset=utf-8')
      return opts.registry.metrics()
    })
  },
  { name: 'ghostlink-metrics' },
)
