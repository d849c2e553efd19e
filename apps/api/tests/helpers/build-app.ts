import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, type Db } from '@ghostlink/db'
import { createRedis } from '@ghostlink/redis'
import { createApiMetrics } from '@ghostlink/metrics'
import { cleanRedisPrefix, createTestDatabase, redisReady, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify'
import type { Redis } from 'ioredis'
import { api } from '../../src/app.js'
import { fastifyOptions } from '../../src/fastify-options.js'

export type TestApp = {
  app: FastifyInstance
  db: Db
  redis: Redis | undefined
  prefix: string
  databaseUrl: string
  /**
   * The paths this target's front door refuses itself, before the API (the one-process edge, like nginx, refuses
   * /metrics); the API alone refuses none. Tests of what the API answers expect a 404 there.
   */
  hides?: (path: string) => boolean
  close: () => Promise<void>
}

export type BuildAppOptions = {
  env?: Record<string, string>
  /** false: no Redis client at all (no Redis by configuration, as in one process) */
  withRedis?: boolean
  /** A Redis the API is configured with but does not wait for (an unreachable one: Redis down). */
  unreachableRedisUrl?: string
  /** Share another app's database and Redis prefix (a second replica); that app's close() removes them. */
  replicaOf?: TestApp
  /** pino options and destination, to capture log lines (default: no logger) */
  logger?: FastifyServerOptions['logger']
  /** sees every route as it is registered (route-table tests) */
  onRoute?: (route: RouteOptions) => void
}

/**
 * The suite is parameterised by target (issue 11): by default each file builds the API plugin alone; a runner may
 * register another target, which builds the same API inside a whole deployment and answers `app.inject` through it.
 * apps/standalone registers the one-process mode (its vitest.contract.config.ts): the API and redirect plugins behind
 * the edge's routing on an embedded Postgres. A target is registered on globalThis by a setup file because an app's
 * tests never import another app.
 */
export type ApiTestTarget = (opts: BuildAppOptions) => Promise<TestApp>
const registeredTarget = () => (globalThis as { ghostlinkApiTestTarget?: ApiTestTarget }).ghostlinkApiTestTarget

/**
 * Builds the API against a fresh database and a private Redis prefix of this test file.
 * `env` overrides configuration (flags, release variables); `withRedis: false` runs it with no Redis client at all.
 * AUTH_MODE defaults to `open` here, so contract tests exercise the original's open API; access-control suites pass
 * `env: { AUTH_MODE: 'token' }` (tests/helpers/auth.ts).
 */
export async function buildApp(opts: BuildAppOptions = {}): Promise<TestApp> {
  const target = registeredTarget()
  if (target) return target(opts)
  const tdb = opts.replicaOf ? undefined : await createTestDatabase()
  const prefix = opts.replicaOf?.prefix ?? testRedisPrefix()
  const databaseUrl = opts.replicaOf?.databaseUrl ?? tdb!.url
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    AUTH_MODE: 'open',
    ...opts.env,
  })
  const db = createDb(config.databaseUrl, 4)
  let redis: Redis | undefined
  if (opts.unreachableRedisUrl !== undefined) {
    redis = createRedis(opts.unreachableRedisUrl, 'api-test')
    redis.on('error', () => {})
  } else if (opts.withRedis !== false) {
    redis = createRedis(config.REDIS_URL, 'api-test')
    await redisReady(redis!)
  }
  const metrics = createApiMetrics(config.release, config.flags)
  const app = Fastify({ ...fastifyOptions(config), logger: opts.logger ?? false })
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute)
  await app.register(api, { config, db, redis, metrics })
  await app.ready()
  return {
    app,
    db,
    redis,
    prefix,
    databaseUrl,
    close: async () => {
      await app.close()
      redis?.disconnect()
      await closeDb(db)
      if (!tdb) return
      await cleanRedisPrefix(prefix)
      await tdb.drop()
    },
  }
}
