import type { FastifyInstance } from 'fastify'

export const CANARIES = ['health-demo', 'promo-demo', 'checkout-demo', 'dashboard-demo', 'support-demo'] as const

// GET /<canary> — static synthetic canary answers, no database (docs/CONTRACT.md#c-1-14)
export default async function canaryRoutes(app: FastifyInstance) {
  for (const canary of CANARIES) {
    app.get(`/${canary}`, { config: { auth: 'public' } }, async () => ({ canary, status: 'ok' }))
  }
}
