import { z } from 'zod'

export const QuarantineEntry = z.object({
  short_code: z.string(),
  source: z.string(),
  reason: z.string().nullable(),
  actor: z.string(),
  created_at: z.string(),
})
export const AuditEntry = z.object({
  id: z.number(),
  short_code: z.string(),
  action: z.string(),
  actor: z.string(),
  reason: z.string().nullable(),
  at: z.string(),
})
export const RiskLinks = z.object({
  tier: z.string(),
  tiers: z.record(z.string(), z.number()),
  items: z.array(
    z.object({
      url_id: z.number(),
      score: z.number(),
      tier: z.string(),
      signals: z.record(z.string(), z.unknown()),
      computed_at: z.string(),
      short_code: z.string(),
      original_url: z.string(),
      is_active: z.boolean(),
    }),
  ),
})
export const OpsStatus = z.object({
  flags: z.record(z.string(), z.boolean()),
  canaries: z.array(
    z.object({
      canary: z.string(),
      success_total: z.number(),
      failure_total: z.number(),
      last_status: z.number(),
      last_latency_seconds: z.number(),
      last_run_at: z.string().nullable(),
    }),
  ),
  prober: z.object({ window_hours: z.number(), checks: z.record(z.string(), z.number()), last_check_at: z.string().nullable() }),
  suspicious_clients: z
    .object({
      suspicious_clients: z.number(),
      top_ips: z.array(z.object({ ip: z.string(), score: z.number() })),
      top_user_agents: z.array(z.object({ user_agent: z.string(), hits: z.number() })),
      top_probed_codes: z.array(z.object({ short_code: z.string(), hits: z.number() })),
    })
    .nullable(),
})
export type OpsStatus = z.infer<typeof OpsStatus>
