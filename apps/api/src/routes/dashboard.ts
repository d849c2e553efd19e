import type { FastifyInstance } from 'fastify'
import { DashboardLinksQuery, listDashboardLinks } from '../dashboard/list-dashboard-links.js'
import { opsStatus } from '../dashboard/ops-status.js'
import { listQuarantineAudit } from '../dashboard/quarantine-audit.js'
import { listRiskLinks, RiskLinksQuery } from '../dashboard/risk-links.js'

/**
 * Read routes for the web dashboard (apps/web) that the contract's routes cannot answer in one call: a searchable,
 * counted page of links with 7-day clicks and risk tier, the quarantine audit trail, links by risk tier and the
 * operator status. Additions, not in the original (docs/API_REFERENCE.md#dashboard).
 */
export default async function dashboardRoutes(app: FastifyInstance) {
  // GET /dashboard/links?q=&state=&page=&per_page= — {total, page, per_page, items}
  app.get<{ Querystring: Record<string, unknown> }>('/dashboard/links', async (req) => {
    const owner = Number(req.query.user_id)
    return listDashboardLinks(
      app.db,
      Number.isSafeInteger(owner) && owner > 0 ? owner : undefined,
      DashboardLinksQuery.parse(req.query ?? {}),
    )
  })
  // GET /dashboard/quarantine-audit — newest first
  app.get('/dashboard/quarantine-audit', async () => listQuarantineAudit(app.db))
  // GET /dashboard/risk-links?tier=SAFE|WATCHLIST|THREAT
  app.get('/dashboard/risk-links', async (req) => listRiskLinks(app.db, RiskLinksQuery.parse(req.query ?? {})))
  // GET /dashboard/ops — canaries, prober results, suspicious clients
  app.get('/dashboard/ops', async () => opsStatus(app.db, app.config.flags))
}
