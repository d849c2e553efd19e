import { events, urls } from '@ghostlink/db'
import type { JsonObject } from '@ghostlink/http'
import { and, eq, sql } from 'drizzle-orm'
import { assertOwnerOrThrow } from './assert-owner.js'
import { findUrlOrThrow } from './find-url.js'
import type { UrlContext } from './url-context.js'

/**
 * DELETE /urls/:id — soft delete (docs/CONTRACT.md#c-1-7). The caller has already found the URL (404 comes before body
 * parsing). Re-deleting an inactive URL is idempotent (docs/decisions/rewrite-decisions.md#d-2): 200, no event, no counter, no rescoring.
 * Returns true when this call deactivated the link.
 */
export async function deactivateUrl(
  ctx: UrlContext,
  id: string,
  parseBody: () => JsonObject,
  actorKeyId: number | null = null,
): Promise<boolean> {
  const url = await findUrlOrThrow(ctx.db, id)
  const body = parseBody()
  const assertedUser = await assertOwnerOrThrow(ctx.db, url, body.user_id)

  // `where is_active` makes two concurrent deletes write one event between them
  const changed = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(urls)
      .set({ is_active: false, updated_at: sql`(now() at time zone 'utc')` })
      .where(and(eq(urls.id, url.id), eq(urls.is_active, true)))
      .returning({ id: urls.id, user_id: urls.user_id })
    if (!row) return false
    await tx.insert(events).values({
      url_id: row.id,
      user_id: assertedUser ?? row.user_id,
      event_type: 'deleted',
      actor_key_id: actorKeyId,
      details: { reason: 'user_requested' },
    })
    return true
  })

  // dropping the cache again is harmless, and heals a replica that missed the first invalidation
  await ctx.invalidation.invalidate(url.short_code)
  if (!changed) return false
  ctx.metrics.urlsDeleted.inc()
  await ctx.risk.recompute(url.id, 'deleted')
  return true
}
