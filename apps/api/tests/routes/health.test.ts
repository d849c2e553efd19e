import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '@ghostlink/testing'
import { buildApp, type TestApp } from '../helpers/build-app.js'

describe('GET /health and canaries', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildApp({ env: { APP_VERSION: 'v9', GIT_SHA: 'abc123', ENABLE_AUTO_BLOCKING: 'yes' } })
  })
  afterAll(() => t.close())

  it('reports db, redis, release metadata and flags', async () => {
    const res = await t.app.inject('/health')
    expect(res.statusCode).toBe(200)
    expect(res.headers['x-ghostlink-version']).toBe('v9')
    expect(res.json()).toEqual({
      status: 'ok',
      db: 'ok',
      redis: 'ok',
      version: 'v9',
      git_sha: 'abc123',
      deployed_at: 'unknown',
      release_owner: 'platform',
      release_notes_url: '',
      feature_flags: {
        ENABLE_AUTO_BLOCKING: true,
        ENABLE_CANARY_MONITORING: true,
        ENABLE_GHOST_PROBE_ALERTS: true,
        ENABLE_QUARANTINE_MODE: true,
        ENABLE_RISK_SCORING: true,
        ENABLE_THREAT_HEATMAP: false,
      },
    })
  })

  it.each(['health-demo', 'promo-demo', 'checkout-demo', 'dashboard-demo', 'support-demo'])('serves canary %s', async (name) => {
    const res = await t.app.inject(`/${name}`)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ canary: name, status: 'ok' })
  })

  it('answers unknown routes and wrong methods with JSON and the version header', async () => {
    const nf = await t.app.inject('/a/b/c')
    expect([nf.statusCode, nf.json(), nf.headers['x-ghostlink-version']]).toEqual([404, { error: 'Not found', code: 404 }, 'v9'])
    const na = await t.app.inject({ method: 'DELETE', url: '/health' })
    expect([na.statusCode, na.json()]).toEqual([405, { error: 'Method not allowed', code: 405 }])
  })
})

describe('GET /health with Redis down', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildApp({ unreachableRedisUrl: `redis://127.0.0.1:${await freePort()}/0` })
  })
  afterAll(() => t.close())

  it('still answers 200 and says redis is unavailable', async () => {
    const res = await t.app.inject('/health')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'ok', db: 'ok', redis: 'unavailable' })
  })
})

describe('GET /health with no Redis by configuration (one process)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildApp({ withRedis: false })
  })
  afterAll(() => t.close())

  it('answers 200 and says redis is disabled, not unavailable', async () => {
    const res = await t.app.inject('/health')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'ok', db: 'ok', redis: 'disabled' })
    expect((await t.app.inject('/ready')).statusCode).toBe(200)
  })
})
