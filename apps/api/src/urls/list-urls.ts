import { type Db, type Url, urls } from '@ghostlink/db'
import { and, asc, eq, type SQL, sql } from 'drizzle-orm'
import { DEFAULT_PER_PAGE, type ListUrlsQuery, MAX_DB_INT, MAX_PER_PAGE } from '../schemas/urls.js'

/**
 * GET /urls (docs/CONTRACT.md#c-1-4): optional `user_id`, `is_active` and `state` (issue 14) filters, ordered by id. Every row unless `page` or
 * `per_page` is given (an addition; per_page is capped at 1000).
 */
export async function listUrls(db: Db, q: ListUrlsQuery): Promise<Url[]> {
  const where: SQL[] = []
  if (q.user_id !== undefined) {
    // an integer no row can have matches nothing (and must not reach Postgres as an out-of-range int)
    if (q.user_id < 1 || q.user_id > MAX_DB_INT) return []
    where.push(eq(urls.user_id, q.user_id))
  }
  if (q.is_active !== undefined) where.push(eq(urls.is_active, q.is_active))
  // issue 14: the same tests the redirect tier makes (expiry at the instant, the limit against recorded redirects)
  if (q.state === 'expired') where.push(sql`${urls.expires_at} <= (now() at time zone 'utc')`)
  if (q.state === 'exhausted') {
    where.push(sql`${urls.max_clicks} is not null and ${urls.max_clicks} <= (select count(*) from events e
      where e.event_type = 'redirect' and e.url_id = ${urls.id})`)
  }
  const query = db
    .select()
    .from(urls)
    .where(and(...where))
    .orderBy(asc(urls.id))
  if (q.page === undefined && q.per_page === undefined) return query
  const perPage = Math.min(q.per_page ?? DEFAULT_PER_PAGE, MAX_PER_PAGE)
  const offset = ((q.page ?? 1) - 1) * perPage
  if (!Number.isSafeInteger(offset)) return []
  return query.limit(perPage).offset(offset)
}
