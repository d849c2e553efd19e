import { Counter, Gauge } from 'prom-client'
import { createCommonMetrics, type ReleaseLabels } from './common.js'
import { createQueueMetrics } from './queue.js'

export function createRiskMetrics(release: ReleaseLabels, flags: Record<string, boolean>) {
  const common = createCommonMetrics('risk', release, flags)
  const registers = [common.registry]
  return {
    ...common,
    ...createQueueMetrics(common.registry),
    riskComputed: new Counter({
      name: 'risk_scores_computed_total',
      help: 'Risk computations by resulting tier',
      labelNames: ['tier'] as const,
      registers,
    }),
    // the original's contract counter of THREAT results: every computation scoring THREAT, repeats of a link included
    riskThreats: new Counter({
      name: 'risk_score_threats_total',
      help: 'Risk computations whose resulting tier is THREAT',
      registers,
    }),
    safeLinks: new Gauge({ name: 'ghostlink_safe_links_total', help: 'Links whose stored tier is SAFE', registers }),
    watchlistLinks: new Gauge({ name: 'ghostlink_watchlist_links_total', help: 'Links whose stored tier is WATCHLIST', registers }),
    threatLinks: new Gauge({ name: 'ghostlink_threat_links_total', help: 'Links whose stored tier is THREAT', registers }),
    quarantinedUrls: new Gauge({ name: 'ghostlink_quarantined_urls_total', help: 'Codes on the quarantine list', registers }),
    autoQuarantined: new Counter({
      name: 'ghostlink_auto_quarantined_total',
      help: 'Codes quarantined automatically (ENABLE_AUTO_BLOCKING)',
      registers,
    }),
    suspiciousClients: new Gauge({
      name: 'ghostlink_suspicious_clients_total',
      help: 'Client IPs over a suspicion threshold in the last 30 minutes',
      registers,
    }),
    suspiciousIpScore: new Gauge({
      name: 'ghostlink_suspicious_ip_score',
      help: 'Top-10 suspicious client IPs by score (30-minute window)',
      labelNames: ['ip'] as const,
      registers,
    }),
    suspiciousUserAgentHits: new Gauge({
      name: 'ghostlink_suspicious_user_agent_hits',
      help: 'Top-10 user agents by dead-link hits (30-minute window)',
      labelNames: ['user_agent'] as const,
      registers,
    }),
    repeatedUserAgentHits: new Gauge({
      name: 'ghostlink_repeated_user_agent_hits_total',
      help: 'Dead-link hits from user agents with at least 25 such hits (30-minute window)',
      registers,
    }),
    probedShortCodeHits: new Gauge({
      name: 'ghostlink_probed_short_code_hits',
      help: 'Top-10 short codes by dead-link hits (30-minute window)',
      labelNames: ['short_code'] as const,
      registers,
    }),
  }
}

export type RiskMetrics = ReturnType<typeof createRiskMetrics>
