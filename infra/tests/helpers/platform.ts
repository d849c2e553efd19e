import { cleanRedisPrefix, createTestDatabase, retryOnPortTaken, TEST_REDIS_URL, type TestDatabase, testRedisPrefix } from '@ghostlink/testing'
import { ADMIN_KEY } from './admin-key.js'
import { type AppProcess, startApp } from './app-process.js'
import { type EdgeNginx, startNginx } from './nginx.js'
import { freePort } from './ports.js'

export type Platform = {
  db: TestDatabase
  prefix: string
  edge: EdgeNginx
  /** what every app was started with (add an app's own port variable to start another) */
  env: Record<string, string>
  api: AppProcess
  r1: AppProcess
  r2: AppProcess
  /** the apps `more` started, in its order */
  more: AppProcess[]
  stop: () => Promise<void>
}

export type PlatformOptions = {
  /** template variables for the edge beyond the upstreams and the lifted limits */
  nginx?: Record<string, string>
  /** environment for every app beyond the database, Redis, quarantine map and admin key */
  env?: (edge: EdgeNginx) => Record<string, string>
  /** more apps, started beside the API and the replicas with the same environment */
  more?: (env: Record<string, string>, edge: EdgeNginx) => Array<Promise<AppProcess>>
}

/**
 * The platform as the end-to-end tests run it: real nginx (the rendered template) in front of the API and two
 * redirect replicas, all from source as `pnpm dev` starts them, on a fresh database and Redis prefix, in token mode
 * with the bootstrap admin key (helpers/admin-key.ts). One test client sends everything, so the per-IP limits are
 * lifted (their checks still run). stop() kills the apps and removes the database and the prefix.
 */
export async function startPlatform(opts: PlatformOptions = {}): Promise<Platform> {
  // a port freePort picked can still be taken before the app binds it: then start again on new ports
  return retryOnPortTaken(() => startPlatformOnce(opts))
}

async function startPlatformOnce(opts: PlatformOptions): Promise<Platform> {
  const db = await createTestDatabase()
  const prefix = testRedisPrefix()
  const [pa, p1, p2] = [await freePort(), await freePort(), await freePort()]
  const edge = await startNginx({
    API_UPSTREAM: `127.0.0.1:${pa}`,
    REDIRECT_UPSTREAM_1: `127.0.0.1:${p1}`,
    REDIRECT_UPSTREAM_2: `127.0.0.1:${p2}`,
    RATE_LIMIT_REDIRECT: '100000r/s',
    RATE_LIMIT_API: '100000r/s',
    RATE_LIMIT_WRITE: '100000r/s',
    ...opts.nginx,
  }).catch(async (err: unknown) => {
    await db.drop()
    throw err
  })
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    QUARANTINE_MAP_FILE: edge.vars.QUARANTINE_MAP_FILE,
    ROLLBACK_STATE_FILE: `${edge.prefix}/rollback_state.env`,
    ENABLE_RISK_SCORING: 'false',
    AUTH_MODE: 'token',
    GHOSTLINK_ADMIN_KEY: ADMIN_KEY,
    ...opts.env?.(edge),
  }
  const started = await Promise.allSettled([
    startApp('api', 'apps/api/src/server.ts', pa, { ...env, API_PORT: String(pa) }),
    startApp('redirect-1', 'apps/redirect/src/server.ts', p1, { ...env, REDIRECT_PORT: String(p1) }),
    startApp('redirect-2', 'apps/redirect/src/server.ts', p2, { ...env, REDIRECT_PORT: String(p2) }),
    ...(opts.more?.(env, edge) ?? []),
  ])
  const apps = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const stop = async () => {
    await Promise.all(apps.map((p) => p.kill('SIGKILL')))
    await edge.stop()
    await cleanRedisPrefix(prefix)
    await db.drop()
  }
  const failed = started.find((s) => s.status === 'rejected')
  if (failed) {
    await stop()
    throw failed.reason
  }
  const [api, r1, r2, ...more] = apps as [AppProcess, AppProcess, AppProcess, ...AppProcess[]]
  return { db, prefix, edge, env, api, r1, r2, more, stop }
}
