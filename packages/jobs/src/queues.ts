import { z } from 'zod'

/** Queue names, shared by producers (api, redirect) and consumers (prober, risk). */
export const QUEUES = {
  linkHealth: 'link-health',
  canary: 'canary',
  risk: 'risk',
  quarantine: 'quarantine',
  clickRetention: 'click-retention',
} as const

export const LinkHealthJob = z.object({ url_id: z.number().int().positive() })
export type LinkHealthJob = z.infer<typeof LinkHealthJob>

/** Fan-out tick: the scheduler enqueues one of these; its handler enqueues a LinkHealthJob per active URL. */
export const LinkHealthSweepJob = z.object({ sweep: z.literal(true) })

export const CanaryJob = z.object({ sweep: z.literal(true) })

export const RiskReason = z.enum(['created', 'updated', 'deleted', 'health', 'schedule', 'manual'])
export const RiskJob = z.object({ url_id: z.number().int().positive(), reason: RiskReason })
export type RiskJob = z.infer<typeof RiskJob>

/** Scheduled tick of the risk queue: its handler enqueues a RiskJob (reason 'schedule') per active URL. */
export const RiskSweepJob = z.object({ sweep: z.literal(true) })

/** Re-render the quarantine list to the Nginx map file and publish it to the redirect tier. */
export const QuarantineSyncJob = z.object({ reason: z.string().max(100) })
export type QuarantineSyncJob = z.infer<typeof QuarantineSyncJob>

/** Scheduled tick of the click-retention queue (apps/risk): delete old raw clicks, cut old IPs, drop old visitor salts. */
export const ClickRetentionJob = z.object({ sweep: z.literal(true) })
