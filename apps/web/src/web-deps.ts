import type { ApiClient } from './api-client.js'
import type { SessionStore } from './session/session-store.js'

/** What the web routes need; server.ts (or a test) builds them. */
export type WebDeps = {
  api: ApiClient
  sessions: SessionStore
  sessionTtlSeconds: number
  /** Where short links are answered (PUBLIC_BASE_URL), without a trailing slash. */
  publicBaseUrl: string
}
