import { events, type Url, urls } from '@ghostlink/db'
import { BadRequest, type JsonObject, NotFound } from '@ghostlink/http'
import { eq, sql } from 'drizzle-orm'
import { MUTABLE_KEYS, parseIsActive, parseOriginalUrl, parseTitle, UPDATE_KEYS } from '../schemas/urls.js'
import { type LinkOptionValues, parseLinkOptions } from '../schemas/link-options.js'
import { assertOwnerOrThrow } from './assert-owner.js'
import { findUrlOrThrow } from './find-url.js'
import type { UrlContext } from './url-context.js'

type Changes = Partial<Pick<Url, 'original_url' | 'title' | 'is_active'>> & LinkOptionValues

/** PUT and PATCH /urls/:id — same partial-update semantics for both verbs, in the exact order of docs/CONTRACT.md#c-1-6. */
export async function updateUrl(ctx: UrlContext, id: string, body: JsonObject, actorKeyId: number | null = null): Promise<Url> {
  // 2. unknown keys are refused before the URL is even looked up (/urls/999 with a bad key → 400)
  if (Object.keys(body).some((k) => !UPDATE_KEYS.has(k))) throw BadRequest('Invalid request body')
  // 3.
  if (!MUTABLE_KEYS.some((k) => k in body)) throw BadRequest('Missing update fields')
  // 4.
  const url = await findUrlOrThrow(ctx.db, id)
  // 5.
  const assertedUser = await assertOwnerOrThrow(ctx.db, url, body.user_id)
  // 6.–8., then the per-link options (issue 14)
  const changes: Changes = {}
  if ('original_url' in body) changes.original_url = parseOriginalUrl(body.original_url)
  if ('title' in body) changes.title = parseTitle(body.title)
  if ('is_active' in body) changes.is_active = parseIsActive(body.is_active)
  Object.assign(changes, parseLinkOptions(body))

  // 9. save + `updated` event atomically
  const row = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(urls)
      .set({ ...changes, updated_at: sql`(now() at time zone 'utc')` })
      .where(eq(urls.id, url.id))
      .returning()
    if (!updated) return null
    await tx.insert(events).values({
      url_id: updated.id,
      user_id: assertedUser ?? updated.user_id,
      event_type: 'updated',
      actor_key_id: actorKeyId,
      details: { changes },
    })
    return updated
  })
  if (!row) throw NotFound()

  // the redirect tier caches the destination, the active flag and the options: drop every copy (docs/decisions/rewrite-decisions.md#d-3)
  await ctx.invalidation.invalidate(row.short_code)
  await ctx.risk.recompute(row.id, 'updated')
  return row
}
