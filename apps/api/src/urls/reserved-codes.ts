import { CANARIES } from '@ghostlink/db'

/**
 * docs/decisions/rewrite-decisions.md#d-2 / docs/CONTRACT.md#c-11-2-7: a custom code may not shadow a top-level route of the API or the
 * redirect tier (`/<code>` would never reach it). Compared case-insensitively so `Health` is refused too.
 */
export const RESERVED_CODES: ReadonlySet<string> = new Set([
  'health',
  'ready',
  'metrics',
  'users',
  'urls',
  'events',
  'shorten',
  'r',
  // GET /docs and /openapi.json (issue 14); a code is alphanumeric, so the second is listed for the record
  'docs',
  'openapi',
  'openapi.json',
  'quarantine',
  // GET/POST /keys (API keys) and GET /stats (click statistics): found missing when the contract suite ran through
  // the edge's routing (issue 11), which sent them to the redirect tier
  'keys',
  'stats',
  'favicon',
  'robots',
  // the web dashboard's path at the edge (apps/web, /app/)
  'app',
  ...CANARIES,
])

export const isReservedCode = (code: string) => RESERVED_CODES.has(code.toLowerCase())
