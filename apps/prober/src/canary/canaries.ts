/** The five synthetic canary paths (docs/CONTRACT.md#c-5-2). */
export const CANARIES = ['health-demo', 'promo-demo', 'checkout-demo', 'dashboard-demo', 'support-demo'] as const
export type CanaryName = (typeof CANARIES)[number]
