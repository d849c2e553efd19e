import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, type Db } from '@ghostlink/db'
import { createApiMetrics } from '@ghostlink/metrics'
import { freePort } from '@ghostlink/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../../src/app.js'
import { fastifyOptions } from '../../src/fastify-options.js'

// DB guard (docs/CONTRACT.md#c-1-0) and docs/CONTRACT.md#c-8-1: Postgres unreachable → /health 503 degraded, every DB route 503,
// canaries still up
describe('API with Postgres unreachable', () => {
  let app: FastifyInstance
  let db: Db
  beforeAll(async () => {
    const config = loadConfig({ DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/none`, LOG_LEVEL: 'silent', AUTH_MODE: 'open' })
    db = createDb(config.databaseUrl, 1)
    app = Fastify({ ...fastifyOptions(config), logger: false })
    await app.register(api, { config, db, metrics: createApiMetrics(config.release, config.flags) })
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
    await closeDb(db)
  })

  it('reports degraded health with release fields and no redis key', async () => {
    const res = await app.inject('/health')
    expect(res.statusCode).toBe(503)
    const body = res.json()
    expect(body).toMatchObject({ status: 'degraded', db: 'error', version: 'v1-dev', git_sha: 'local' })
    expect(body.feature_flags).toMatchObject({ ENABLE_QUARANTINE_MODE: true })
    expect(body).not.toHaveProperty('redis')
  })

  it.each([
    ['GET', '/urls', undefined],
    ['GET', '/urls/1', undefined],
    ['GET', '/users', undefined],
    ['GET', '/events', undefined],
    ['POST', '/shorten', { original_url: 'https://example.com' }],
    ['POST', '/users', { username: 'a', email: 'a@b.io' }],
  ] as const)('%s %s answers 503 Service unavailable', async (method, url, payload) => {
    const res = await app.inject({ method, url, payload })
    expect([res.statusCode, res.json()]).toEqual([503, { error: 'Service unavailable', code: 503 }])
    expect(res.headers['x-ghostlink-version']).toBe('v1-dev')
  })

  it('still serves the static canaries', async () => {
    const res = await app.inject('/promo-demo')
    expect([res.statusCode, res.json()]).toEqual([200, { canary: 'promo-demo', status: 'ok' }])
  })
})
