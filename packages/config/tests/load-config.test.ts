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

  it('prefers a valid DATABASE_URL and falls back to the parts when it is not one', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5433/x' }).databaseUrl).toBe('postgres://u@db:5433/x')
    expect(loadConfig({ DATABASE_URL: 'nonsense', DATABASE_NAME: 'gl', DATABASE_HOST: 'pg' }).databaseUrl).toBe(
      'postgres://postgres:postgres@pg:5432/gl',
    )
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
