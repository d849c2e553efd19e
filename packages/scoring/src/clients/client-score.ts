export type ClientCounts = { invalid_hits: number; ghost_hits: number; request_count: number; blocked_hits: number }

/** docs/CONTRACT.md#c-4-4 thresholds: an IP is suspicious when it crosses any of them. */
export const THRESHOLDS = { invalid: 20, ghost: 30, requests: 300, blocked: 10 } as const

/** IP score (docs/CONTRACT.md#c-4-4): 40·[invalid ≥ 20] + 25·[ghost ≥ 30] + 20·[requests ≥ 300] + 15·[blocked ≥ 10], capped at 100. */
export function clientScore(c: ClientCounts): number {
  const score =
    (c.invalid_hits >= THRESHOLDS.invalid ? 40 : 0) +
    (c.ghost_hits >= THRESHOLDS.ghost ? 25 : 0) +
    (c.request_count >= THRESHOLDS.requests ? 20 : 0) +
    (c.blocked_hits >= THRESHOLDS.blocked ? 15 : 0)
  return Math.min(score, 100)
}
