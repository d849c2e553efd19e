import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb } from '@ghostlink/db'
import { startEmbeddedPostgres } from '@ghostlink/embedded-postgres'
import type { FastifyInstance, RouteOptions } from 'fastify'
import { inject as lightMyRequest, type InjectOptions } from 'light-my-request'
import { pino } from 'pino'
import { inject } from 'vitest'
import { edgeTarget } from '../../src/edge-route.js'
import { composeOneProcess } from '../../src/one-process.js'

type Options = { env?: Record<string, string>; replicaOf?: unknown; onRoute?: (route: RouteOptions) => void }

/**
 * The one-process target of the API contract suite (apps/api/tests/helpers/build-app.ts): each test file gets the
 * whole one-process composition as `pnpm start` runs it by default (embedded database, no Redis), and every
 * `app.inject` goes through the edge routing in front of both tiers. There is no Redis to withhold (`withRedis`).
 */
async function oneProcessTarget(opts: Options) {
  if (opts.replicaOf) throw new Error('the one-process target runs one process: no second replica')
  const dir = mkdtempSync(join(tmpdir(), 'gl-contract-'))
  const pg = await startEmbeddedPostgres({ dataDir: dir, template: inject('embeddedTemplate') })
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    AUTH_MODE: 'open',
    ...opts.env,
    DATABASE_URL: pg.url,
  })
  const db = createDb(pg.url, 1)
  const one = await composeOneProcess({ config, db, log: pino({ level: 'silent' }), onApiRoute: opts.onRoute })
  const edgeInject = (o: InjectOptions | string) => lightMyRequest(one.handler, o)
  const app = new Proxy(one.api, { get: (target, prop) => (prop === 'inject' ? edgeInject : Reflect.get(target, prop, target)) })
  return {
    app: app as FastifyInstance,
    db,
    redis: undefined,
    prefix: config.REDIS_PREFIX,
    databaseUrl: pg.url,
    hides: (path: string) => edgeTarget(path) === 'metrics',
    close: async () => {
      await one.close()
      await closeDb(db)
      await pg.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

;(globalThis as { ghostlinkApiTestTarget?: unknown }).ghostlinkApiTestTarget = oneProcessTarget
