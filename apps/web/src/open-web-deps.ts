import type { Config } from '@ghostlink/config'
import type { Redis } from 'ioredis'
import { ApiClient } from './api-client.js'
import { MemorySessionStore, RedisSessionStore } from './session/session-store.js'
import type { WebDeps } from './web-deps.js'

/**
 * The dashboard's dependencies from the configuration: the API client (to `apiUrl`: API_URL for the web process,
 * the process's own port in one process) and the session store, Redis's when a connection is given, else memory
 * (WEB_SESSION_STORE=memory, or one process without Redis). close() ends the API client's pool; the caller owns Redis.
 */
export function openWebDeps(config: Config, apiUrl: string, redis?: Redis): WebDeps & { close(): Promise<void> } {
  const api = new ApiClient(apiUrl)
  return {
    api,
    sessions: redis ? new RedisSessionStore(redis, config.REDIS_PREFIX) : new MemorySessionStore(),
    sessionTtlSeconds: config.WEB_SESSION_TTL_SECONDS,
    publicBaseUrl: config.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    close: () => api.close(),
  }
}
