import { type Db, type QuarantinedCode, quarantineAudit, quarantinedCodes } from '@ghostlink/db'
import type { LinkInvalidation } from '@ghostlink/redis'
import type { Redis } from 'ioredis'
import { invalidatorOf } from './invalidator.js'

/**
 * `invalidation` tells the redirect tier (the in-process bus in one process); without it, Redis pub/sub on `redis`
 * (the platform's workers pass their client).
 */
export type QuarantineDeps = { db: Db; redis?: Redis; prefix: string; invalidation?: LinkInvalidation }

export type QuarantineInput = { short_code: string; actor: string; reason?: string | null; source?: 'manual' | 'auto' }

/**
 * Adds a code to the quarantine list with an audit row (one transaction), then drops every replica's cached answer
 * so the redirect tier sees it at once (docs/decisions/rewrite-decisions.md#d-3). Already quarantined: nothing changes, created=false.
 */
export async function quarantineCode(deps: QuarantineDeps, input: QuarantineInput): Promise<{ created: boolean; entry: QuarantinedCode }> {
  const reason = input.reason ?? null
  const result = await deps.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(quarantinedCodes)
      .values({ short_code: input.short_code, actor: input.actor, reason, source: input.source ?? 'manual' })
      .onConflictDoNothing()
      .returning()
    if (inserted) {
      await tx
        .insert(quarantineAudit)
        .values({ short_code: input.short_code, action: 'quarantine', actor: input.actor, reason, at: inserted.created_at })
      return { created: true, entry: inserted }
    }
    const existing = await tx.query.quarantinedCodes.findFirst({ where: (q, { eq }) => eq(q.short_code, input.short_code) })
    return { created: false, entry: existing! }
  })
  if (result.created) await invalidatorOf(deps).invalidate(input.short_code)
  return result
}
