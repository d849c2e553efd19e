import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/index.js'

describe('loadConfig', () => {
  it('applies the seed README defaults', () => {
    const c = loadConfig({})
    expect(c.databaseUrl).toBe('postgres://postgres:postgres@localhost:5432/hackathon_db')
    expect(c.REDIS_URL).toBe('redis://localhost:6379/0')
    expect(c.release).toEqual({
      version: 'v1-dev',
      git_sha: 'local',
      deployed_at: 'unknown',
      release_owner: 'platform',
      release_notes_url: '',
    })
    expect(c.flags).toEqual({
      ENABLE_AUTO_BLOCKING: false,
      ENABLE_CANARY_MONITORING: true,
      ENABLE_GHOST_PROBE_ALERTS: true,
      ENABLE_QUARANTINE_MODE: true,
      ENABLE_RISK_SCORING: true,
      ENABLE_THREAT_HEATMAP: false,
    })
    expect(c.ROLLBACK_STATE_FILE).toBe('/var/lib/ghostlink-security/rollback_state.env')
    expect([c.API_PORT, c.REDIRECT_PORT, c.PROBER_PORT, c.RISK_PORT]).toEqual([8081, 8082, 9101, 9102])
  })

  it.each([
    ['true', true],
    ['TRUE', true],
    [' 1 ', true],
    ['yes', true],
    ['On', true],
    ['false', false],
    ['0', false],
    ['enabled', false],
  ])('reads flag value %j as %s', (value, expected) => {
    expect(loadConfig({ ENABLE_AUTO_BLOCKING: value }).flags.ENABLE_AUTO_BLOCKING).toBe(expected)
    expect(loadConfig({ ENABLE_RISK_SCORING: value }).flags.ENABLE_RISK_SCORING).toBe(expected)
  })

  it('configures the web dashboard: port, the API it calls, sessions in Redis by default', () => {
    const c = loadConfig({})
    expect([c.WEB_PORT, c.API_URL, c.PUBLIC_BASE_URL, c.WEB_SESSION_STORE, c.WEB_SESSION_TTL_SECONDS]).toEqual([
      8084,
      'http://127.0.0.1:8081',
      'http://localhost:8080',
      'redis',
      28_800,
    ])
    expect(loadConfig({ WEB_SESSION_STORE: 'memory', API_URL: 'http://api:8081' })).toMatchObject({
      WEB_SESSION_STORE: 'memory',
      API_URL: 'http://api:8081',
    })
    expect(() => loadConfig({ WEB_SESSION_STORE: 'cookie' })).toThrow(/WEB_SESSION_STORE/)
    expect(() => loadConfig({ API_URL: 'not a url' })).toThrow(/API_URL/)
  })

  it('reads EDGE_REFRESH_URL: blank is off, else an http(s) URL without trailing slash', () => {
    expect(loadConfig({}).EDGE_REFRESH_URL).toBe('')
    expect(loadConfig({ EDGE_REFRESH_URL: ' ' }).EDGE_REFRESH_URL).toBe('')
    expect(loadConfig({ EDGE_REFRESH_URL: 'http://nginx:8089' }).EDGE_REFRESH_URL).toBe('http://nginx:8089')
    expect(loadConfig({ EDGE_REFRESH_URL: 'https://edge.internal/_refresh' }).EDGE_REFRESH_URL).toBe('https://edge.internal/_refresh')
    for (const bad of ['http://nginx:8089/', 'nginx:8089', 'ftp://nginx', 'http://nginx/x?y=1', 'http://nginx#f'])
      expect(() => loadConfig({ EDGE_REFRESH_URL: bad }), bad).toThrow(/EDGE_REFRESH_URL/)
  })

  it('prefers a valid DATABASE_URL and falls back to the parts when it is not one', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5433/x' }).databaseUrl).toBe('postgres://u@db:5433/x')
    expect(loadConfig({ DATABASE_URL: 'nonsense', DATABASE_NAME: 'gl', DATABASE_HOST: 'pg' }).databaseUrl).toBe(
      'postgres://postgres:postgres@pg:5432/gl',
    )
  })

  it('reports what the environment configured: an embedded database and no Redis when nothing is set', () => {
    expect(loadConfig({}).configured).toEqual({ database: 'embedded', redis: false })
    expect(loadConfig({}).GHOSTLINK_DATA_DIR).toBe('.ghostlink')
    // the platform defaults stay what they were: the services still get a server URL and the Redis default
    expect(loadConfig({}).REDIS_URL).toBe('redis://localhost:6379/0')
    for (const name of ['DATABASE_URL', 'DATABASE_NAME', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_USER', 'DATABASE_PASSWORD'])
      expect(loadConfig({ [name]: name === 'DATABASE_PORT' ? '5433' : 'x' }).configured.database, name).toBe('server')
    // blank is unset, and the pool size says nothing about where a server is
    expect(loadConfig({ DATABASE_URL: ' ', DATABASE_POOL_MAX: '3' }).configured.database).toBe('embedded')
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6380/1' }).configured.redis).toBe(true)
    expect(loadConfig({ REDIS_URL: '' }).configured.redis).toBe(false)
    expect(loadConfig({ GHOSTLINK_DATA_DIR: '/var/lib/gl' }).GHOSTLINK_DATA_DIR).toBe('/var/lib/gl')
  })

  it('treats blank release variables as unset', () => {
    expect(loadConfig({ APP_VERSION: '  ' }).release.version).toBe('v1-dev')
  })

  it('fails fast naming every bad variable', () => {
    expect(() => loadConfig({ API_PORT: 'abc', REDIS_URL: 'http://x' })).toThrow(ConfigError)
    try {
      loadConfig({ API_PORT: 'abc', REDIS_URL: 'http://x' })
    } catch (e) {
      expect((e as Error).message).toMatch(/API_PORT/)
      expect((e as Error).message).toMatch(/REDIS_URL/)
    }
  })
})

describe('access control settings', () => {
  it('defaults to token mode, no anonymous links, and per-key limits a normal integration never meets', () => {
    const c = loadConfig({})
    expect(c.AUTH_MODE).toBe('token')
    expect(c.ANONYMOUS_LINKS).toBe(false)
    expect(c.GHOSTLINK_ADMIN_KEY).toBe('')
    expect([c.API_KEY_WRITES_PER_MIN, c.API_KEY_READS_PER_MIN]).toEqual([600, 6000])
    expect(c.AUTH_CACHE_TTL_MS).toBeLessThanOrEqual(1000)
    expect(loadConfig({ AUTH_MODE: 'open' }).AUTH_MODE).toBe('open')
  })

  it('refuses an unknown mode, a cache longer than 1 s, and a short admin key without echoing it', () => {
    expect(() => loadConfig({ AUTH_MODE: 'none' })).toThrow(/AUTH_MODE/)
    expect(() => loadConfig({ AUTH_CACHE_TTL_MS: '5000' })).toThrow(/AUTH_CACHE_TTL_MS/)
    const err = (() => {
      try {
        loadConfig({ GHOSTLINK_ADMIN_KEY: 'short-secret-123' })
      } catch (e) {
        return e as Error
      }
    })()
    expect(err?.message).toMatch(/GHOSTLINK_ADMIN_KEY: must be at least 32 characters/)
    expect(err?.message).not.toContain('short-secret-123')
    expect(loadConfig({ GHOSTLINK_ADMIN_KEY: 'x'.repeat(32) }).GHOSTLINK_ADMIN_KEY).toHaveLength(32)
  })
})
