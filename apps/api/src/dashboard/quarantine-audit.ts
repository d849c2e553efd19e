import { type Db, quarantineAudit } from '@ghostlink/db'
import { desc } from 'drizzle-orm'

/** The newest entries of the quarantine audit trail (who quarantined or released which code, when, why). */
export async function listQuarantineAudit(db: Db, limit = 100) {
  const rows = await db.select().from(quarantineAudit).orderBy(desc(quarantineAudit.at), desc(quarantineAudit.id)).limit(limit)
  return rows.map((r) => ({
    id: r.id,
    short_code: r.short_code,
    action: r.action,
    actor: r.actor,
    reason: r.reason,
    at: r.at.toISOString(),
  }))
}
