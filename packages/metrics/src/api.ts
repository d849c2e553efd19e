import { Counter, Gauge } from 'prom-client'
import { createCommonMetrics, type ReleaseLabels } from './common.js'

export function createApiMetrics(release: ReleaseLabels, flags: Record<string, boolean>) {
  const common = createCommonMetrics('api', release, flags)
  const registers = [common.registry]
  return {
    ...common,
    urlsCreated: new Counter({ name: 'urls_created_total', help: 'Short URLs created (/shorten and /urls)', registers }),
    urlsDeleted: new Counter({ name: 'urls_deleted_total', help: 'Short URLs soft-deleted', registers }),
    urlsActive: new Gauge({ name: 'urls_active_total', help: 'Active short URLs (refreshed at most every 15 s)', registers }),
    urlsInactive: new Gauge({ name: 'urls_inactive_total', help: 'Inactive short URLs (refreshed at most every 15 s)', registers }),
    quarantineActions: new Counter({
      name: 'ghostlink_quarantine_actions_total',
      help: 'Manual quarantine actions through the API',
      labelNames: ['action'] as const,
      registers,
    }),
    rollbacks: new Gauge({ name: 'ghostlink_rollbacks_total', help: 'Rollbacks recorded in ROLLBACK_STATE_FILE', registers }),
    meanTimeToDetect: new Gauge({ name: 'ghostlink_mean_time_to_detect_minutes', help: 'From ROLLBACK_STATE_FILE', registers }),
    meanTimeToRecover: new Gauge({ name: 'ghostlink_mean_time_to_recover_minutes', help: 'From ROLLBACK_STATE_FILE', registers }),
    recoveryAttempts: new Gauge({ name: 'ghostlink_recovery_attempts_total', help: 'From ROLLBACK_STATE_FILE', registers }),
    recoverySuccess: new Gauge({ name: 'ghostlink_recovery_success_total', help: 'From ROLLBACK_STATE_FILE', registers }),
  }
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>
