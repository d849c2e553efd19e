import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb } from '@ghostlink/db'
import { startEmbeddedPostgres } from '@ghostlink/embedded-postgres'
import { createRedis } from '@ghostlink/redis'
import { cleanRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import type { FastifyInstance, RouteOptions } from 'fastify'
import { inject as lightMyRequest, type InjectOptions } from 'light-my-request'
import { pino } from 'pino'
import { inject } from 'vitest'
import { composeOneProcess } from '../../src/one-process.js'

type Options = { env?: Record<string, string>; withRedis?: boolean; replicaOf?: unknown; onRoute?: (route: RouteOptions) => void }

/**
 * The one-process target of the API contract suite (apps/api/tests/helpers/build-app.ts): each test file gets the
 * whole one-process composition on its own embedded database, and every `app.inject` goes through the edge routing
 * in front of both tiers, as a request to `pnpm start` does.
 */
async function oneProcessTarget(opts: Options) {
  if (opts.replicaOf) throw new Error('the one-process target runs one process: no second replica')
  const dir = mkdtempSync(join(tmpdir(), 'gl-contract-'))
  const pg = await startEmbeddedPostgres({ dataDir: dir, template: inject('embeddedTemplate') })
  const prefix = testRedisPrefix()
  const config = loadConfig({
    // Redis unavailable (withRedis: false) is a server nobody listens on
    REDIS_URL: opts.withRedis === false ? 'redis://127.0.0.1:1/0' : TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    AUTH_MODE: 'open',
    ...opts.env,
    DATABASE_URL: pg.url,
  })
  const db = createDb(pg.url, 1)
  const one = await composeOneProcess({ config, db, log: pino({ level: 'silent' }), onApiRoute: opts.onRoute })
  const edgeInject = (o: InjectOptions | string) => lightMyRequest(one.handler, o)
  const app = new Proxy(one.api, { get: (target, prop) => (prop === 'inject' ? edgeInject : Reflect.get(target, prop, target)) })
  const redis = opts.withRedis === false ? undefined : createRedis(config.REDIS_URL, 'contract-test')
  if (redis) await new Promise<void>((resolve) => redis.once('ready', () => resolve()))
  return {
    app: app as FastifyInstance,
    db,
    redis,
    prefix,
    databaseUrl: pg.url,
    close: async () => {
      await one.close()
      redis?.disconnect()
      await closeDb(db)
      await pg.close()
      await cleanRedisPrefix(prefix)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

;(globalThis as { ghostlinkApiTestTarget?: unknown }).ghostlinkApiTestTarget = oneProcessTarget
