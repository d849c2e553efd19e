// The shapes the web reads from the API, checked at the boundary (zod), loose on keys it does not use.
import { z } from 'zod'

/** URL object (docs/API_REFERENCE.md) with issue 14's options, present only when set. */
export const UrlObject = z.object({
  id: z.number(),
  short_code: z.string(),
  original_url: z.string(),
  title: z.string().nullable(),
  is_active: z.boolean(),
  user_id: z.number().nullable(),
  redirect_type: z.number().optional(),
  forward_query: z.boolean().optional(),
  expires_at: z.string().optional(),
  max_clicks: z.number().optional(),
})
export type UrlObject = z.infer<typeof UrlObject>

export const DashboardLink = z.object({
  id: z.number(),
  short_code: z.string(),
  original_url: z.string(),
  title: z.string().nullable(),
  is_active: z.boolean(),
  quarantined: z.boolean(),
  clicks_7d: z.number(),
  risk_tier: z.string().nullable(),
  risk_score: z.number().nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable().optional(),
  max_clicks: z.number().nullable().optional(),
})
export type DashboardLink = z.infer<typeof DashboardLink>

export const DashboardLinks = z.object({ total: z.number(), page: z.number(), per_page: z.number(), items: z.array(DashboardLink) })

export const LinkStats = z.object({
  total: z.number(),
  humans: z.number(),
  bots: z.number(),
  unique_visitors: z.number(),
  interval: z.string(),
  from: z.string(),
  to: z.string(),
  series: z.array(z.object({ t: z.string(), clicks: z.number(), humans: z.number(), bots: z.number() })),
  referrers: z.array(z.object({ host: z.string().nullable(), clicks: z.number() })),
  browsers: z.array(z.object({ name: z.string().nullable(), clicks: z.number() })),
  os: z.array(z.object({ name: z.string().nullable(), clicks: z.number() })),
  devices: z.array(z.object({ type: z.string().nullable(), clicks: z.number() })),
})
export type LinkStats = z.infer<typeof LinkStats>

export const RiskView = z.object({
  score: z.number(),
  tier: z.string(),
  signals: z.record(z.string(), z.unknown()),
  computed_at: z.string().nullable(),
})
export type RiskView = z.infer<typeof RiskView>

/** active / inactive / quarantined / expired, as a person reads a link's state. */
export function linkState(l: { is_active: boolean; quarantined?: boolean; expires_at?: string | null }, now = Date.now()) {
  if (l.quarantined) return 'quarantined'
  if (!l.is_active) return 'inactive'
  if (l.expires_at && Date.parse(l.expires_at) <= now) return 'expired'
  return 'active'
}
