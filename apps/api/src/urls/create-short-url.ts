import { events, isForeignKeyViolation, isUniqueViolation, type Url, urls } from '@ghostlink/db'
import { Conflict, HttpError, NotFound } from '@ghostlink/http'
import { sql } from 'drizzle-orm'
import { generateCode } from './generate-code.js'
import type { LinkOptionValues } from '../schemas/link-options.js'
import type { UrlContext } from './url-context.js'

export type NewShortUrl = {
  originalUrl: string
  /** A validated custom code, or undefined to generate one. */
  customCode: string | undefined
  title: string | null
  userId: number | null
  /** The API key creating the link, recorded on its `created` event (docs/SECURITY.md#audit); absent in open mode. */
  actorKeyId?: number | null
  /** Per-link options given (issue 14); absent ones stay null. */
  options?: LinkOptionValues
}

/** docs/CONTRACT.md#c-3: at most 10 candidates before giving up. */
export const MAX_CODE_ATTEMPTS = 10

/**
 * Inserts the URL and its `created` event in one transaction (fixes docs/CONTRACT.md#c-11-2-23). Codes are claimed by
 * insert-and-retry on the unique index, never check-then-insert (docs/decisions/rewrite-decisions.md#d-2): a taken custom code is
 * 409 `Short code exists`; a generated one is redrawn, up to 10 times, then 500 `Failed to generate short code`.
 * `nextCode` is injectable so tests can force collisions.
 */
export async function createShortUrl(ctx: UrlContext, input: NewShortUrl, nextCode: () => string = generateCode): Promise<Url> {
  const row = await claimCode(ctx, input, nextCode)
  await afterCreate(ctx, row)
  return row
}

async function claimCode(ctx: UrlContext, input: NewShortUrl, nextCode: () => string): Promise<Url> {
  let attempts = 0
  let resyncedSequence = false
  while (attempts < MAX_CODE_ATTEMPTS) {
    const code = input.customCode ?? nextCode()
    try {
      return await insertWithEvent(ctx, input, code)
    } catch (err) {
      if (isUniqueViolation(err, 'urls_short_code_unique')) {
        if (input.customCode !== undefined) throw Conflict('Short code exists')
        attempts++
        continue
      }
      // docs/CONTRACT.md#c-1-2 step 9: an id sequence left behind by imported rows is moved past MAX(id) once, then retried
      if (isUniqueViolation(err, 'urls_pkey') && !resyncedSequence) {
        resyncedSequence = true
        await ctx.db.execute(sql`select setval(pg_get_serial_sequence('urls', 'id'), (select coalesce(max(id), 1) from urls))`)
        continue
      }
      // the owner was deleted between the existence check and the insert
      if (isForeignKeyViolation(err, 'urls_user_id_users_id_fk')) throw NotFound('User not found')
      throw err
    }
  }
  throw new HttpError(500, 'Failed to generate short code')
}

function insertWithEvent(ctx: UrlContext, input: NewShortUrl, code: string): Promise<Url> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(urls)
      .values({ ...input.options, short_code: code, original_url: input.originalUrl, title: input.title, user_id: input.userId })
      .returning()
    if (!row) throw new Error('insert returned no row')
    await tx.insert(events).values({
      url_id: row.id,
      user_id: input.userId,
      event_type: 'created',
      actor_key_id: input.actorKeyId ?? null,
      details: { short_code: row.short_code, original_url: row.original_url },
    })
    return row
  })
}

/** Drop any negative cache entry for the code, count it, rescore it (docs/CONTRACT.md#c-1-2 side effects). */
async function afterCreate(ctx: UrlContext, row: Url): Promise<void> {
  await ctx.invalidation.invalidate(row.short_code)
  ctx.metrics.urlsCreated.inc()
  await ctx.risk.recompute(row.id, 'created')
}
