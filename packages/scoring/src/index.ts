export { scoreRisk, tierFor, tldOf, SUSPICIOUS_TLDS, type RiskInputs, type RiskResult, type RiskSignals } from './score.js'
export { computeRiskView, type ComputedRisk } from './compute-risk-view.js'
export { readRiskCache, writeRiskCache, toRiskView, RISK_CACHE_TTL_SECONDS, type RiskView } from './risk-view.js'
