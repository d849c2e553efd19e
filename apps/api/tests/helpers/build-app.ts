import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, type Db } from '@ghostlink/db'
import { createRedis } from '@ghostlink/redis'
import { createApiMetrics } from '@ghostlink/metrics'
import { cleanRedisPrefix, createTestDatabase, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { api } from '../../src/app.js'
import { fastifyOptions } from '../../src/fastify-options.js'

export type TestApp = { app: FastifyInstance; db: Db; redis: Redis | undefined; prefix: string; close: () => Promise<void> }

/**
 * Builds the API against a fresh database and a private Redis prefix of this test file.
 * `env` overrides configuration (flags, release variables); `withRedis: false` runs it with Redis unavailable.
 */
export async function buildApp(
  opts: { env?: Record<string, string>; withRedis?: boolean; beforeRegister?: (app: FastifyInstance) => void } = {},
): Promise<TestApp> {
  const tdb = await createTestDatabase()
  const prefix = testRedisPrefix()
  const config = loadConfig({ DATABASE_URL: tdb.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', ...opts.env })
  const db = createDb(config.databaseUrl, 4)
  let redis: Redis | undefined
  if (opts.withRedis !== false) {
    redis = createRedis(config.REDIS_URL, 'api-test')
    await new Promise<void>((resolve) => redis!.once('ready', () => resolve()))
  }
  const metrics = createApiMetrics(config.release, config.flags)
  const app = Fastify({ ...fastifyOptions(config), logger: false })
  opts.beforeRegister?.(app)
  await app.register(api, { config, db, redis, metrics })
  await app.ready()
  return {
    app,
    db,
    redis,
    prefix,
    close: async () => {
      await app.close()
      redis?.disconnect()
      await closeDb(db)
      await cleanRedisPrefix(prefix)
      await tdb.drop()
    },
  }
}
