import { z } from 'zod'
import type { Operation } from './operations.js'

// The web dashboard's read routes (routes/dashboard.ts, docs/API_REFERENCE.md#dashboard) in the OpenAPI document.

const DashboardLink = z
  .object({
    id: z.number().int(),
    short_code: z.string(),
    original_url: z.string(),
    title: z.string().nullable(),
    is_active: z.boolean(),
    user_id: z.number().int().nullable(),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    max_clicks: z.number().int().nullable(),
    quarantined: z.boolean(),
    clicks_7d: z.number().int(),
    risk_tier: z.string().nullable(),
    risk_score: z.number().int().nullable(),
  })
  .meta({ id: 'DashboardLink' })

const DashboardLinks = z
  .object({ total: z.number().int(), page: z.number().int(), per_page: z.number().int(), items: DashboardLink.array() })
  .meta({ id: 'DashboardLinks' })

const AuditEntry = z
  .object({
    id: z.number().int(),
    short_code: z.string(),
    action: z.enum(['quarantine', 'unquarantine']),
    actor: z.string(),
    reason: z.string().nullable(),
    at: z.string(),
  })
  .meta({ id: 'QuarantineAuditEntry' })

const RiskLinks = z
  .object({
    tier: z.string(),
    tiers: z.record(z.string(), z.number().int()),
    items: z
      .object({
        url_id: z.number().int(),
        score: z.number(),
        tier: z.string(),
        signals: z.record(z.string(), z.unknown()),
        computed_at: z.string(),
        short_code: z.string(),
        original_url: z.string(),
        is_active: z.boolean(),
        user_id: z.number().int().nullable(),
      })
      .array(),
  })
  .meta({ id: 'RiskLinks' })

const OpsStatus = z
  .object({
    flags: z.record(z.string(), z.boolean()),
    canaries: z.array(z.record(z.string(), z.unknown())),
    prober: z.object({
      window_hours: z.number().int(),
      checks: z.record(z.string(), z.number().int()),
      last_check_at: z.string().nullable(),
    }),
    suspicious_clients: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'OpsStatus' })

export const DASHBOARD_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/dashboard/links',
    tag: 'dashboard',
    summary: 'A counted, searchable page of links with quarantine state, risk tier and 7-day clicks',
    description: "A user key sees its own links only; an admin key every link, or one user's with user_id.",
    query: [
      { name: 'q', type: 'string', description: 'Substring of the code, destination or title (case-insensitive).' },
      {
        name: 'state',
        type: 'string',
        description: 'Which links (default all).',
        enum: ['all', 'active', 'inactive', 'expired', 'quarantined'],
      },
      { name: 'page', type: 'integer', description: 'Page, from 1 (invalid means 1).' },
      { name: 'per_page', type: 'integer', description: 'Rows per page (default 25, at most 100).' },
      { name: 'id', type: 'integer', description: 'One link by id.' },
      { name: 'user_id', type: 'integer', description: "Admin keys: one user's links." },
    ],
    success: [{ status: 200, description: 'One page and the total', schema: DashboardLinks }],
    errors: [],
  },
  {
    method: 'get',
    path: '/dashboard/quarantine-audit',
    tag: 'dashboard',
    summary: 'The newest 100 entries of the quarantine audit trail (admin)',
    success: [{ status: 200, description: 'Newest first', schema: AuditEntry.array() }],
    errors: [],
  },
  {
    method: 'get',
    path: '/dashboard/risk-links',
    tag: 'dashboard',
    summary: 'Links of one risk tier with their signals, and the size of every tier (admin)',
    query: [
      { name: 'tier', type: 'string', description: 'The tier (default THREAT).', enum: ['THREAT', 'WATCHLIST', 'SAFE'] },
      { name: 'limit', type: 'integer', description: 'Rows (default 100, at most 500).' },
    ],
    success: [{ status: 200, description: 'Highest score first', schema: RiskLinks }],
    errors: [],
  },
  {
    method: 'get',
    path: '/dashboard/ops',
    tag: 'dashboard',
    summary: 'Canaries, link-health prober results and suspicious clients (admin)',
    success: [{ status: 200, description: 'Operator status', schema: OpsStatus }],
    errors: [],
  },
]
