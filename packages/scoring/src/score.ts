import type { RiskTier } from '@ghostlink/db'

/** docs/CONTRACT.md#c-4-1: TLDs that add 20 points. */
export const SUSPICIOUS_TLDS = new Set(['zip', 'top', 'click', 'xyz', 'gq', 'tk', 'ml', 'work', 'link'])

export type RiskInputs = {
  originalUrl: string
  /** Latest health check, if the link was ever probed. */
  latestHealth: { health_status: string; status_code: number | null; redirect_chain_length: number } | null
  /** Dead-link hits (404/410) on the code seen by the redirect tier. */
  deadLinkHits: number
  deletedEvents: number
  createdEvents: number
}

export type RiskSignals = {
  destination_dead?: true
  status_code?: number | null
  long_redirect_chain?: true
  chain_length?: number
  ghost_probe_pressure?: true
  ghost_probe_count?: number
  suspicious_tld?: string
  delete_recreate_pattern?: true
  delete_count?: number
  create_count?: number
}

export type RiskResult = { score: number; tier: RiskTier; signals: RiskSignals }

export const tierFor = (score: number): RiskTier => (score <= 30 ? 'SAFE' : score <= 60 ? 'WATCHLIST' : 'THREAT')

export function tldOf(url: string): string | null {
  let host: string
  try {
    host = new URL(url).hostname.toLowerCase()
  } catch {
    return null
  }
  const dot = host.lastIndexOf('.')
  return dot === -1 ? null : host.slice(dot + 1)
}

/** The five additive signals of docs/CONTRACT.md#c-4-1; the score is capped at 100. */
export function scoreRisk(inputs: RiskInputs): RiskResult {
  const signals: RiskSignals = {}
  let score = 0
  const health = inputs.latestHealth
  if (
    health &&
    (health.health_status === 'DEAD' ||
      health.health_status === 'SSL_INVALID' ||
      (health.status_code !== null && health.status_code >= 400 && health.status_code <= 599))
  ) {
    score += 30
    signals.destination_dead = true
    signals.status_code = health.status_code
  }
  if (health && health.redirect_chain_length > 3) {
    score += 20
    signals.long_redirect_chain = true
    signals.chain_length = health.redirect_chain_length
  }
  if (inputs.deadLinkHits >= 10) {
    score += 15
    signals.ghost_probe_pressure = true
    signals.ghost_probe_count = inputs.deadLinkHits
  }
  const tld = tldOf(inputs.originalUrl)
  if (tld !== null && SUSPICIOUS_TLDS.has(tld)) {
    score += 20
    signals.suspicious_tld = tld
  }
  if (inputs.deletedEvents >= 2 || (inputs.deletedEvents >= 1 && inputs.createdEvents >= 2)) {
    score += 15
    signals.delete_recreate_pattern = true
    signals.delete_count = inputs.deletedEvents
    signals.create_count = inputs.createdEvents
  }
  score = Math.min(score, 100)
  return { score, tier: tierFor(score), signals }
}
