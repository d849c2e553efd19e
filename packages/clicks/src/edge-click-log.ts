import { z } from 'zod'
import { type ClickRecord, ClickStatus } from './click-record.js'

/**
 * The edge micro-cache (infra/nginx/nginx.conf.template, docs/decisions/2026-11-27-edge-micro-cache.md) answers hot
 * codes itself for about a second; the replica never sees those requests, so nginx writes each one to a click log
 * that the click writer ships into Postgres (apps/click-writer/src/edge-log-shipper.ts).
 *
 * The replica puts what nginx cannot know into the 302 it answers: these response headers are cached with it, logged
 * on every cache hit and stripped from the client's response (proxy_hide_header). They describe the link, never the
 * visitor, so replaying them from the cache is right.
 */
export const EDGE_HEADERS = {
  urlId: 'x-ghostlink-url-id',
  userId: 'x-ghostlink-user-id',
  /**
   * On every 404 and 410 of the redirect route: the ClickStatus the replica records for that answer (404 unknown,
   * 410 quarantined, -410 inactive). The edge refresh caches those answers, and a hit on one is recorded with it.
   */
  clickStatus: 'x-ghostlink-click-status',
} as const

/**
 * One line of the edge click log: the `ghostlink_click` log_format of nginx.conf.template (escape=json), one per
 * request answered from the cache. Empty strings are nginx's "not set".
 */
const EdgeClickLineSchema = z.object({
  t: z.number(), // $msec: epoch seconds with millisecond resolution
  u: z.string(), // $uri: /<code> or /r/<code>
  s: z.number().int(), // $status
  ip: z.string(), // $remote_addr (what the replica reads from the edge's X-Forwarded-For)
  ua: z.string(), // $http_user_agent
  ref: z.string(), // $http_referer
  url: z.string(), // $upstream_http_x_ghostlink_url_id (cached response header)
  own: z.string(), // $upstream_http_x_ghostlink_user_id
  // $upstream_http_x_ghostlink_click_status (EDGE_HEADERS.clickStatus of a cached 404/410); absent in older lines
  cs: z.string().optional().default(''),
})

const CODE_PATH = /^\/(?:r\/)?([A-Za-z0-9_-]{1,64})$/
const id = (s: string) => (/^\d{1,10}$/.test(s) ? Number(s) : null)

/**
 * The record status of a cached 404/410: a 404 is always an unknown code; a 410 is what the replica said it recorded
 * (`cs`: quarantined 410 or inactive -410), else a dead link (the 410 the replica answers for most codes).
 */
function errorStatus(s: 404 | 410, cs: string): ClickRecord[2] {
  if (s === 404) return ClickStatus.unknown
  return cs === String(ClickStatus.quarantined) ? ClickStatus.quarantined : ClickStatus.inactive
}

/**
 * The click record the replica would have handed off for this request (routes/redirect.ts), or undefined for a line
 * that is not a cached answer it records (corrupt, cut short, another status or path). The public edge caches 302s;
 * the edge refresh (a replica answering `X-GhostLink-Edge-Refresh: 1`) also stores 404s and 410s, recorded like the
 * replica records them: no referrer or link ids, the status from the answer's `cs` header (a line without one: 404
 * unknown code, 410 dead link). nginx cannot tell a missing User-Agent from an empty one, so both are recorded as the
 * replica records a missing one: `unknown`.
 */
export function parseEdgeClickLine(line: string): ClickRecord | undefined {
  let parsed: z.infer<typeof EdgeClickLineSchema>
  try {
    const result = EdgeClickLineSchema.safeParse(JSON.parse(line))
    if (!result.success) return undefined
    parsed = result.data
  } catch {
    return undefined
  }
  const code = CODE_PATH.exec(parsed.u)?.[1]
  if (code === undefined) return undefined
  const ua = parsed.ua === '' ? 'unknown' : parsed.ua
  if (parsed.s === 404 || parsed.s === 410) {
    return [Math.round(parsed.t * 1000), code, errorStatus(parsed.s, parsed.cs), parsed.ip, ua, null, null, null]
  }
  if (parsed.s !== 302) return undefined
  return [
    Math.round(parsed.t * 1000),
    code,
    ClickStatus.redirected,
    parsed.ip,
    ua,
    parsed.ref === '' ? null : parsed.ref,
    id(parsed.url),
    id(parsed.own),
  ]
}
