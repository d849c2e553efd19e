import { loadConfig } from '@ghostlink/config'
import { quarantinedCodes, requestFingerprints, riskScores } from '@ghostlink/db'
import { createRiskMetrics } from '@ghostlink/metrics'
import { like } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { refreshRiskGauges } from '../../src/telemetry/refresh-risk-gauges.js'
import { computeSuspiciousClients } from '@ghostlink/scoring'
import { createTestEnv, insertUrl, type TestEnv } from '../helpers/test-env.js'

type Row = typeof requestFingerprints.$inferInsert
let env: TestEnv
const now = new Date()
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000)
const rows = (n: number, row: Row): Row[] => [...Array(n)].map(() => ({ ...row }))
const longUa = `Mozilla/5.0 ${'x'.repeat(300)}`

beforeAll(async () => {
  env = await createTestEnv()
  const recent = minutesAgo(5)
  await env.db.insert(requestFingerprints).values([
    // 10.0.0.1: 20 invalid-code hits (404 on unknown codes are dead-link hits too) → 40
    ...rows(20, {
      client_ip: '10.0.0.1',
      short_code: 'nope1',
      user_agent: 'scanner/1',
      status_code: 404,
      is_invalid_short_code: true,
      is_dead_link: true,
      created_at: recent,
    }),
    // 10.0.0.2: 300 plain redirects → 20
    ...rows(300, { client_ip: '10.0.0.2', short_code: 'live', user_agent: 'browser', status_code: 302, created_at: recent }),
    // 10.0.0.3: 10 quarantined hits → 15
    ...rows(10, {
      client_ip: '10.0.0.3',
      short_code: 'evil',
      user_agent: longUa,
      status_code: 410,
      is_quarantined: true,
      is_dead_link: true,
      created_at: recent,
    }),
    // 10.0.0.4: 30 dead-link hits on a known code plus 20 invalid → 40 + 25
    ...rows(30, {
      client_ip: '10.0.0.4',
      short_code: 'gone1',
      user_agent: 'scanner/1',
      status_code: 410,
      is_dead_link: true,
      created_at: recent,
    }),
    ...rows(20, {
      client_ip: '10.0.0.4',
      short_code: 'nope2',
      user_agent: 'scanner/2',
      status_code: 404,
      is_invalid_short_code: true,
      is_dead_link: true,
      created_at: recent,
    }),
    // 10.0.0.5: 19 invalid hits, under every threshold
    ...rows(19, {
      client_ip: '10.0.0.5',
      short_code: 'nope3',
      user_agent: 'scanner/3',
      status_code: 404,
      is_invalid_short_code: true,
      is_dead_link: true,
      created_at: recent,
    }),
    // outside the 30-minute window: 50 invalid hits that must not count
    ...rows(50, {
      client_ip: '10.0.0.9',
      short_code: 'old',
      user_agent: 'old-bot',
      status_code: 404,
      is_invalid_short_code: true,
      is_dead_link: true,
      created_at: minutesAgo(31),
    }),
  ])
})
afterAll(() => env.close())

describe('computeSuspiciousClients (docs/CONTRACT.md#c-4-4, 30-minute window)', () => {
  it('finds the IPs over a threshold and scores them', async () => {
    const stats = await computeSuspiciousClients(env.db, now)
    expect(stats.suspicious_clients).toBe(4)
    expect(stats.top_ips).toEqual([
      { ip: '10.0.0.4', score: 65 },
      { ip: '10.0.0.1', score: 40 },
      { ip: '10.0.0.2', score: 20 },
      { ip: '10.0.0.3', score: 15 },
    ])
  })

  it('ranks user agents and codes by dead-link hits, truncating UA labels to 180 chars', async () => {
    const stats = await computeSuspiciousClients(env.db, now)
    expect(stats.top_user_agents).toEqual([
      { user_agent: 'scanner/1', hits: 50 },
      { user_agent: 'scanner/2', hits: 20 },
      { user_agent: 'scanner/3', hits: 19 },
      { user_agent: longUa.slice(0, 180), hits: 10 },
    ])
    // UAs with at least 25 dead-link hits: only scanner/1
    expect(stats.repeated_user_agent_hits).toBe(50)
    expect(stats.top_probed_codes).toEqual([
      { short_code: 'gone1', hits: 30 },
      { short_code: 'nope1', hits: 20 },
      { short_code: 'nope2', hits: 20 },
      { short_code: 'nope3', hits: 19 },
      { short_code: 'evil', hits: 10 },
    ])
  })

  it('keeps every top list to 10 entries', async () => {
    const recent = minutesAgo(1)
    const many = [...Array(12)].flatMap((_, i) =>
      rows(20, {
        client_ip: `10.1.0.${i}`,
        short_code: `probe${i}`,
        user_agent: `bot-${i}`,
        status_code: 404,
        is_invalid_short_code: true,
        is_dead_link: true,
        created_at: recent,
      }),
    )
    await env.db.insert(requestFingerprints).values(many)
    const stats = await computeSuspiciousClients(env.db, now)
    expect(stats.suspicious_clients).toBe(16)
    expect(stats.top_ips).toHaveLength(10)
    expect(stats.top_user_agents).toHaveLength(10)
    expect(stats.top_probed_codes).toHaveLength(10)
    await env.db.delete(requestFingerprints).where(like(requestFingerprints.client_ip, '10.1.0.%'))
  })
})

describe('refreshRiskGauges', () => {
  it('exports tier counts, the quarantine size and the bounded suspicious-client gauges', async () => {
    const a = await insertUrl(env.db)
    const b = await insertUrl(env.db)
    const c = await insertUrl(env.db)
    await env.db.insert(riskScores).values([
      { url_id: a.id, score: 0, tier: 'SAFE' },
      { url_id: b.id, score: 45, tier: 'WATCHLIST' },
      { url_id: c.id, score: 85, tier: 'THREAT' },
    ])
    await env.db.insert(quarantinedCodes).values([{ short_code: 'evil', actor: 'ops' }])
    const config = loadConfig({})
    const metrics = createRiskMetrics(config.release, config.flags)
    await refreshRiskGauges(env.db, metrics, config.flags, now)
    const text = await metrics.registry.metrics()
    for (const line of [
      'ghostlink_safe_links_total{service="risk"} 1',
      'ghostlink_watchlist_links_total{service="risk"} 1',
      'ghostlink_threat_links_total{service="risk"} 1',
      'ghostlink_quarantined_urls_total{service="risk"} 1',
      'ghostlink_suspicious_clients_total{service="risk"} 4',
      'ghostlink_suspicious_ip_score{ip="10.0.0.4",service="risk"} 65',
      'ghostlink_suspicious_user_agent_hits{user_agent="scanner/1",service="risk"} 50',
      'ghostlink_repeated_user_agent_hits_total{service="risk"} 50',
      'ghostlink_probed_short_code_hits{short_code="gone1",service="risk"} 30',
    ]) {
      expect(text).toContain(line)
    }

    // flags off: zeros, no top-list series, quarantine size 0 (docs/CONTRACT.md#c-6-1)
    const off = { ...config.flags, ENABLE_GHOST_PROBE_ALERTS: false, ENABLE_QUARANTINE_MODE: false }
    await refreshRiskGauges(env.db, metrics, off, now)
    const after = await metrics.registry.metrics()
    expect(after).toContain('ghostlink_suspicious_clients_total{service="risk"} 0')
    expect(after).toContain('ghostlink_quarantined_urls_total{service="risk"} 0')
    expect(after).not.toMatch(/ghostlink_suspicious_ip_score\{/)
    expect(after).not.toMatch(/ghostlink_probed_short_code_hits\{/)
  })
})
