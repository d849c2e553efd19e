import type { Db } from '@ghostlink/db'
import { z } from 'zod'
import { type LinkAnswer, toLinkOptions } from './link-answer.js'

const Row = z.object({
  id: z.number().int().nullable(),
  user_id: z.number().int().nullable(),
  original_url: z.string().nullable(),
  is_active: z.boolean().nullable(),
  quarantined: z.boolean(),
  redirect_type: z.number().int().nullable(),
  forward_query: z.boolean().nullable(),
  expires_ms: z.coerce.number().nullable(),
  max_clicks: z.number().int().nullable(),
  clicks: z.number().int().nullable(),
})

/**
 * One query answers both questions: the link (if any) and whether the code is quarantined — a code can be
 * quarantined without any link having it (docs/CONTRACT.md#c-4-3). `(select 1)` left join keeps exactly one row either way,
 * and both sides use their unique index (a full join on an OR condition would not).
 * Sent through the postgres.js client drizzle wraps: a prepared statement, no query building per call (this runs
 * on every redirect while Redis is down).
 * A click-limited link also brings its recorded redirects (the `redirect` events, on events_type_url_idx); the CASE
 * keeps that count off every other link. `expires_at` holds UTC, so its epoch is read as UTC.
 */
export async function fetchLinkAnswer(db: Db, code: string): Promise<LinkAnswer> {
  const rows = await db.$client`
    select u.id, u.user_id, u.original_url, u.is_active,
      exists(select 1 from quarantined_codes q where q.short_code = ${code}) as quarantined,
      u.redirect_type, u.forward_query, (extract(epoch from u.expires_at) * 1000)::float8 as expires_ms, u.max_clicks,
      case when u.max_clicks is not null then
        (select count(*)::int from events e where e.event_type = 'redirect' and e.url_id = u.id)
      end as clicks
    from (select 1) as one
    left join urls u on u.short_code = ${code}`
  const row = Row.parse(rows[0])
  if (row.id === null || row.original_url === null || row.is_active === null) {
    return { kind: 'missing', quarantined: row.quarantined }
  }
  const answer: LinkAnswer = {
    kind: 'found',
    id: row.id,
    user_id: row.user_id,
    original_url: row.original_url,
    is_active: row.is_active,
    quarantined: row.quarantined,
  }
  const options = toLinkOptions({
    redirect_type: row.redirect_type,
    forward_query: row.forward_query,
    expires_at: row.expires_ms,
    max_clicks: row.max_clicks,
    clicks: row.clicks,
  })
  if (options !== undefined) answer.options = options
  return answer
}
