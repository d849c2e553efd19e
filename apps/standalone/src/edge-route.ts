import type { IncomingMessage, ServerResponse } from 'node:http'

/** Where the edge sends a request (infra/nginx/nginx.conf.template, the same locations in the same order). */
export type EdgeTarget = 'api' | 'redirect' | 'web' | 'metrics' | 'edge-health'

// the reserved words of apps/api/src/urls/reserved-codes.ts that nginx sends to the API although they look like codes
const API_WORDS = /^\/(health|ready|shorten|users|urls|events|docs|openapi|quarantine|keys|stats|favicon|robots|r|health-demo|promo-demo|checkout-demo|dashboard-demo|support-demo)$/i
const METRICS = /^\/(.+\/)?metrics$/i
const DASHBOARD = /^\/app(\/.*)?$/i
const CODE = /^\/(r\/)?[A-Za-z0-9_-]+$/

/** nginx's $uri: the path without the query, percent-decoded, runs of slashes merged. */
function normalizedPath(url: string): string | null {
  const path = url.split('?', 1)[0] ?? '/'
  try {
    return decodeURIComponent(path).replace(/\/{2,}/g, '/')
  } catch {
    return null // malformed escapes: the API answers them (a contract 400)
  }
}

/**
 * The edge's routing: `/<code>` and `/r/<code>` to the redirect tier, `/app` and below to the dashboard, the reserved
 * words and everything else to the API, `/metrics` at any depth refused (Prometheus scrapes the services directly),
 * `/edge-health` answered here.
 */
export function edgeTarget(url: string): EdgeTarget {
  const path = normalizedPath(url)
  if (path === null) return 'api'
  if (path === '/edge-health') return 'edge-health'
  if (path === '/users/bulk') return 'api'
  if (METRICS.test(path)) return 'metrics'
  if (DASHBOARD.test(path)) return 'web'
  if (API_WORDS.test(path)) return 'api'
  return CODE.test(path) ? 'redirect' : 'api'
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void

const json = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' })
  res.end(body)
}

/** One request handler in front of the fastify instances' routers, as nginx is in front of the tiers. */
export const edgeHandler =
  (tiers: { api: Handler; redirect: Handler; web: Handler }): Handler =>
  (req, res) => {
    switch (edgeTarget(req.url ?? '/')) {
      case 'redirect':
        return tiers.redirect(req, res)
      case 'web':
        return tiers.web(req, res)
      case 'metrics':
        return json(res, 404, '{"error":"Not found","code":404}')
      case 'edge-health':
        return json(res, 200, '{"status":"ok"}')
      default:
        return tiers.api(req, res)
    }
  }
