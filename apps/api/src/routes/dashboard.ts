import type { FastifyInstance } from 'fastify'
import { ownUserId } from '../auth/access.js'
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
  // a user key sees its own links; an admin key every link, or one user's with `user_id`
  app.get<{ Querystring: Record<string, unknown> }>('/dashboard/links', { config: { auth: 'user' } }, async (req) => {
    const asked = Number(req.query.user_id)
    const owner = ownUserId(req) ?? (Number.isSafeInteger(asked) && asked > 0 ? asked : undefined)
    return listDashboardLinks(app.db, owner, DashboardLinksQuery.parse(req.query ?? {}))
  })
  // GET /dashboard/quarantine-audit — newest first
  app.get('/dashboard/quarantine-audit', { config: { auth: 'admin' } }, async () => listQuarantineAudit(app.db))
  // GET /dashboard/risk-links?tier=SAFE|WATCHLIST|THREAT
  app.get('/dashboard/risk-links', { config: { auth: 'admin' } }, async (req) =>
    listRiskLinks(app.db, RiskLinksQuery.parse(req.query ?? {})),
  )
  // GET /dashboard/ops — canaries, prober results, suspicious clients
  app.get('/dashboard/ops', { config: { auth: 'admin' } }, async () => opsStatus(app.db, app.config.flags))
}
