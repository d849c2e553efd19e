/**
 * The five synthetic canary paths (docs/CONTRACT.md#c-5-2): the API answers each (docs/CONTRACT.md#c-1-14), the prober
 * probes each through the front door and keeps one `canary_state` row per name.
 */
export const CANARIES = ['health-demo', 'promo-demo', 'checkout-demo', 'dashboard-demo', 'support-demo'] as const
export type CanaryName = (typeof CANARIES)[number]
