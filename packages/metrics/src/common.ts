import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import { TallyHistogram } from './tally.js'

export type ReleaseLabels = {
  version: string
  git_sha: string
  deployed_at: string
  release_owner: string
  release_notes_url: string
}

/** Metrics every service exports: process defaults, HTTP requests per route/status, release info, feature flags. */
export function createCommonMetrics(service: string, release: ReleaseLabels, flags: Record<string, boolean>) {
  const registry = new Registry()
  registry.setDefaultLabels({ service })
  collectDefaultMetrics({ register: registry })

  // observed on every request of every service: a tally, not a prom-client Histogram (tally.ts)
  const httpRequestDuration = new TallyHistogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })

  const releaseInfo = new Gauge({
    name: 'ghostlink_release_info',
    help: 'Constant 1, labelled with the running release',
    labelNames: ['version', 'git_sha', 'deployed_at', 'release_owner', 'release_notes_url'] as const,
    registers: [registry],
  })
  releaseInfo.set(release, 1)

  const featureFlag = new Gauge({
    name: 'ghostlink_feature_flag_enabled',
    help: '1 when the feature flag is on, else 0',
    labelNames: ['flag'] as const,
    registers: [registry],
  })
  for (const [flag, on] of Object.entries(flags)) featureFlag.set({ flag }, on ? 1 : 0)

  return { registry, httpRequestDuration, releaseInfo, featureFlag }
}

export type CommonMetrics = ReturnType<typeof createCommonMetrics>
