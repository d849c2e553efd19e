import { type Config, loadConfig } from '@ghostlink/config'
import { closeDb, createDb, type Db, events, requestFingerprints } from '@ghostlink/db'
import { cleanRedisPrefix, createTestDatabase, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import { count, eq } from 'drizzle-orm'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { redisKeys } from '@ghostlink/redis'
import { Redis } from 'ioredis'
import { vi } from 'vitest'
import { redirectApp } from '../../src/app.js'
import { fastifyOptions } from '../../src/fastify-options.js'
import { type OpenedDeps, openDeps, openLocalDeps } from '../../src/open-deps.js'

export type TestService = { app: FastifyInstance; deps: OpenedDeps; config: Config; close: () => Promise<void> }

/** One redirect instance, wired exactly as server.ts does, against `env` (DATABASE_URL, REDIS_URL, REDIS_PREFIX ...). */
export function buildService(env: Record<string, string>, overrides: { claimIdleMs?: number } = {}): Promise<TestService> {
  const config = loadConfig({ LOG_LEVEL: 'silent', REDIS_URL: TEST_REDIS_URL, CLICK_FLUSH_INTERVAL_MS: '50', DATABASE_POOL_MAX: '4', ...env })
  return serve(config, (log) => openDeps(config, log, overrides))
}

/** One redirect instance with no Redis at all (openLocalDeps, as the one-process entry wires it). */
export function buildLocalService(env: Record<string, string>): Promise<TestService> {
  const config = loadConfig({ LOG_LEVEL: 'silent', CLICK_FLUSH_INTERVAL_MS: '50', DATABASE_POOL_MAX: '4', ...env })
  return serve(config, (log) => openLocalDeps(config, log))
}

async function serve(config: Config, open: (log: FastifyBaseLogger) => Promise<OpenedDeps>): Promise<TestService> {
  const app = Fastify({ ...fastifyOptions(config), logger: false })
  const deps = await open(app.log)
  await app.register(redirectApp, deps)
  await app.ready()
  return {
    app,
    deps,
    config,
    close: async () => {
      await app.close()
      await deps.close()
    },
  }
}

export type TestEnv = {
  db: Db
  env: Record<string, string>
  prefix: string
  /** Entries in this prefix's click stream on the test Redis (a consumer deletes each once its clicks are inserted). */
  streamLength: () => Promise<number>
  drop: () => Promise<void>
}

/** A fresh database and Redis prefix for one test file, plus a db handle to arrange and count rows. */
export async function createTestEnv(): Promise<TestEnv> {
  const tdb = await createTestDatabase()
  const prefix = testRedisPrefix()
  const db = createDb(tdb.url, 2)
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true })
  return {
    db,
    prefix,
    env: { DATABASE_URL: tdb.url, REDIS_PREFIX: prefix },
    streamLength: () => redis.xlen(redisKeys(prefix).clickStream),
    drop: async () => {
      redis.disconnect()
      await closeDb(db)
      await cleanRedisPrefix(prefix)
      await tdb.drop()
    },
  }
}

export async function countRedirectEvents(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(events).where(eq(events.event_type, 'redirect'))
  return row!.n
}

export async function countFingerprints(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(requestFingerprints)
  return row!.n
}

/**
 * Waits until the click pipeline has nothing more to write: the click stream is empty and the fingerprint count stays
 * the same for `quietMs` (a quiet period alone is not enough: an insert can stall longer on a loaded machine).
 */
export async function quiesce(env: TestEnv, quietMs = 300): Promise<void> {
  let last = -1
  let since = 0
  await vi.waitFor(
    async () => {
      const inStream = await env.streamLength()
      if (inStream > 0) throw new Error(`${inStream} click batches still in the stream`)
      const now = await countFingerprints(env.db)
      if (now !== last) {
        last = now
        since = Date.now()
      }
      if (Date.now() - since < quietMs) throw new Error(`fingerprints still changing (${now})`)
    },
    { timeout: 30_000, interval: 50 },
  )
}
