export { scoreRisk, tierFor, tldOf, SUSPICIOUS_TLDS, type RiskInputs, type RiskResult, type RiskSignals } from './score.js'
export { computeRisk, computeAndStoreRisk } from './compute-risk.js'
