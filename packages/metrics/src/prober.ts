import { Counter, Gauge, Histogram } from 'prom-client'
import { createCommonMetrics, type ReleaseLabels } from './common.js'
import { createQueueMetrics } from './queue.js'

export function createProberMetrics(release: ReleaseLabels, flags: Record<string, boolean>) {
  const common = createCommonMetrics('prober', release, flags)
  const registers = [common.registry]
  return {
    ...common,
    ...createQueueMetrics(common.registry),
    linkProbes: new Counter({
      name: 'link_probes_total',
      help: 'Link-health probes by result (OK, DEAD, CHAINED, SSL_INVALID, REFUSED)',
      labelNames: ['health_status'] as const,
      registers,
    }),
    linkProbeDuration: new Histogram({
      name: 'link_probe_duration_seconds',
      help: 'Duration of one link-health probe including redirects',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    destinationDead: new Gauge({
      name: 'destination_dead_total',
      help: 'Active links whose latest probe is DEAD or SSL_INVALID (a current count, not all-time rows)',
      registers,
    }),
    canarySuccess: new Gauge({ name: 'ghostlink_canary_success_total', help: 'Canary probes answered 200/302 (durable total)', registers }),
    canaryFailures: new Gauge({ name: 'ghostlink_canary_failures_total', help: 'Canary probes that failed (durable total)', registers }),
    canaryStatus: new Gauge({
      name: 'ghostlink_canary_status',
      help: 'Last HTTP status of each canary (0 = network error)',
      labelNames: ['canary'] as const,
      registers,
    }),
    canaryLatency: new Gauge({
      name: 'ghostlink_canary_latency_seconds',
      help: 'Last latency of each canary',
      labelNames: ['canary'] as const,
      registers,
    }),
  }
}

export type ProberMetrics = ReturnType<typeof createProberMetrics>
