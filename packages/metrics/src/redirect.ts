import { Counter, Gauge } from 'prom-client'
import { createCommonMetrics, type ReleaseLabels } from './common.js'
import { TallyCounter, TallyHistogram } from './tally.js'

export function createRedirectMetrics(release: ReleaseLabels, flags: Record<string, boolean>) {
  const common = createCommonMetrics('redirect', release, flags)
  const registers = [common.registry]
  return {
    ...common,
    // the three metrics touched on every redirect are tallies (tally.ts): bind a child with labels() once
    // status is the answer class (302, 404, 410); never a per-code label (docs/decisions/rewrite-decisions.md#d-2)
    redirects: new TallyCounter({
      name: 'url_redirects_total',
      help: 'Answers on /<code> and /r/<code> by status',
      labelNames: ['app_version', 'status'] as const,
      registers,
    }),
    redirectLatency: new TallyHistogram({
      name: 'redirect_latency_seconds',
      help: 'Time from request to redirect answer',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    cacheLookups: new TallyCounter({
      name: 'redirect_cache_lookups_total',
      help: 'Lookups per cache layer (local, redis) and result (hit, miss)',
      labelNames: ['layer', 'result'] as const,
      registers,
    }),
    dbLookups: new Counter({ name: 'redirect_db_lookups_total', help: 'Lookups that reached Postgres', registers }),
    clickQueueDepth: new Gauge({
      name: 'redirect_click_queue_depth',
      help: 'Click records waiting: in the Redis stream (pending) and in the in-memory buffer',
      labelNames: ['where'] as const,
      registers,
    }),
    clicksFlushed: new Counter({
      name: 'redirect_clicks_flushed_total',
      help: 'Click records inserted into Postgres, by path (stream consumer, direct fallback, or edge-log: the edge cache hits the click writer ships)',
      labelNames: ['path'] as const,
      registers,
    }),
    clicksDropped: new Counter({
      name: 'redirect_clicks_dropped_total',
      help: 'Click records dropped because the in-memory buffer was full',
      registers,
    }),
    // the edge refresh (apps/redirect/src/edge-refresh/): answers to the edge's refresh requests, which are no clicks
    // and so not in url_redirects_total, and the refresh requests this replica sends to the edge
    edgeRefreshAnswers: new Counter({
      name: 'redirect_edge_refresh_answers_total',
      help: 'Answers to the edge refresh (X-GhostLink-Edge-Refresh: 1) by status; no click is recorded for them',
      labelNames: ['status'] as const,
      registers,
    }),
    edgeRefreshes: new Counter({
      name: 'redirect_edge_refreshes_total',
      help: 'Edge refresh requests sent on link invalidations, by result (ok, error, dropped: the queue was full)',
      labelNames: ['result'] as const,
      registers,
    }),
    invalidCodeHits: new Counter({
      name: 'ghostlink_invalid_short_code_hits_total',
      help: 'Requests for unknown short codes',
      registers,
    }),
    blockedRequests: new Counter({
      name: 'ghostlink_blocked_requests_total',
      help: 'Requests refused because the code is quarantined',
      registers,
    }),
  }
}

export type RedirectMetrics = ReturnType<typeof createRedirectMetrics>
