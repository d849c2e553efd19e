import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { createApiMetrics, createProberMetrics, createRedirectMetrics, createRiskMetrics, metricsPlugin } from '../src/index.js'

/** The value of the sample of `name` whose labels include all of `labels` (label order is prom-client's business). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

const release = { version: 'v3', git_sha: 'abc', deployed_at: 'now', release_owner: 'me', release_notes_url: '' }
const flags = { ENABLE_AUTO_BLOCKING: false, ENABLE_RISK_SCORING: true }

describe('metric factories', () => {
  it('give every instance its own registry, so two replicas can live in one process', async () => {
    const a = createRedirectMetrics(release, flags)
    const b = createRedirectMetrics(release, flags)
    a.redirects.labels({ app_version: 'v3', status: '302' }).inc()
    expect(sample(await a.registry.metrics(), 'url_redirects_total', { status: '302' })).toBe(1)
    expect(sample(await b.registry.metrics(), 'url_redirects_total', { status: '302' })).toBeUndefined()
  })

  it.each([
    ['api', createApiMetrics, ['urls_created_total', 'urls_deleted_total', 'urls_active_total', 'ghostlink_rollbacks_total']],
    ['redirect', createRedirectMetrics, ['url_redirects_total', 'redirect_latency_seconds', 'redirect_cache_lookups_total']],
    ['prober', createProberMetrics, ['link_probes_total', 'ghostlink_canary_success_total', 'ghostlink_canary_status', 'ghostlink_queue_jobs']],
    ['risk', createRiskMetrics, ['ghostlink_threat_links_total', 'risk_score_threats_total', 'ghostlink_suspicious_ip_score', 'ghostlink_worker_last_job_timestamp_seconds']],
  ])('%s exports its own metrics plus the common ones', async (service, factory, names) => {
    const m = factory(release, flags)
    const text = await m.registry.metrics()
    for (const name of [...names, 'ghostlink_release_info', 'ghostlink_feature_flag_enabled', 'http_request_duration_seconds']) {
      expect(text).toContain(`# TYPE ${name} `)
    }
    expect(sample(text, 'ghostlink_release_info', { ...release, service })).toBe(1)
    expect(sample(text, 'ghostlink_feature_flag_enabled', { flag: 'ENABLE_RISK_SCORING', service })).toBe(1)
    expect(sample(text, 'ghostlink_feature_flag_enabled', { flag: 'ENABLE_AUTO_BLOCKING', service })).toBe(0)
  })
})

describe('metricsPlugin', () => {
  it('records requests by route template and serves the registry as text/plain', async () => {
    const m = createApiMetrics(release, flags)
    let scrapes = 0
    const app = Fastify()
    await app.register(metricsPlugin, {
      registry: m.registry,
      httpRequestDuration: m.httpRequestDuration,
      beforeScrape: async () => {
        scrapes++
      },
    })
    app.get('/items/:id', async () => ({ ok: true }))
    await app.inject('/items/1')
    await app.inject('/items/2')
    await app.inject('/missing')
    const res = await app.inject('/metrics')
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
    const count = (labels: Record<string, string>) => sample(res.body, 'http_request_duration_seconds_count', labels)
    expect(count({ method: 'GET', route: '/items/:id', status_code: '200', service: 'api' })).toBe(2)
    expect(count({ route: '__unknown__', status_code: '404' })).toBe(1)
    expect(scrapes).toBe(1)
    await app.close()
  })
})
