import { type QuarantinedCode, quarantineAudit, quarantinedCodes } from '@ghostlink/db'
import { eq } from 'drizzle-orm'
import { invalidatorOf } from './invalidator.js'
import type { QuarantineDeps } from './quarantine-code.js'

/** Lifts a quarantine with an audit row and invalidates the cached answer; null when the code was not quarantined. */
export async function unquarantineCode(
  deps: QuarantineDeps,
  input: { short_code: string; actor: string; reason?: string | null },
): Promise<QuarantinedCode | null> {
  const removed = await deps.db.transaction(async (tx) => {
    const [row] = await tx.delete(quarantinedCodes).where(eq(quarantinedCodes.short_code, input.short_code)).returning()
    if (!row) return null
    await tx
      .insert(quarantineAudit)
      .values({ short_code: input.short_code, action: 'unquarantine', actor: input.actor, reason: input.reason ?? null })
    return row
  })
  if (removed) await invalidatorOf(deps).invalidate(input.short_code)
  return removed
}
