import { clickStatsHourly, type Db, quarantinedCodes, riskScores, urls } from '@ghostlink/db'
import { and, desc, eq, gte, ilike, inArray, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'

export const DASHBOARD_PER_PAGE_MAX = 100
const CLICK_WINDOW_DAYS = 7

/** Query of GET /dashboard/links: bad values fall back to the defaults, as the contract's list routes do. */
export const DashboardLinksQuery = z.object({
  q: z.string().trim().max(200).catch('').default(''),
  state: z.enum(['all', 'active', 'inactive', 'expired', 'quarantined']).catch('all').default('all'),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1),
  per_page: z.coerce.number().int().min(1).max(DASHBOARD_PER_PAGE_MAX).catch(25).default(25),
  /** One link by id (the dashboard's link page reads its state and 7-day clicks this way). */
  id: z.coerce.number().int().min(1).max(2_147_483_647).optional().catch(undefined),
})
export type DashboardLinksQuery = z.infer<typeof DashboardLinksQuery>

export type DashboardLink = {
  id: number
  short_code: string
  original_url: string
  title: string | null
  is_active: boolean
  user_id: number | null
  created_at: string
  /** issue 14's options that decide the state a person sees (null when unset) */
  expires_at: string | null
  max_clicks: number | null
  quarantined: boolean
  clicks_7d: number
  risk_tier: string | null
  risk_score: number | null
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * One page of the dashboard's link list in three indexed queries, whatever the size of the account: the page of
 * links (with quarantine and risk joined), the total for the pager, and the 7-day click counts of that page only
 * (hourly rollups).
 * `ownerId` undefined = every link (an admin).
 */
export async function listDashboardLinks(db: Db, ownerId: number | undefined, q: DashboardLinksQuery) {
  const where: SQL[] = []
  if (ownerId !== undefined) where.push(eq(urls.user_id, ownerId))
  if (q.id !== undefined) where.push(eq(urls.id, q.id))
  if (q.q !== '') {
    const p = likePattern(q.q)
    where.push(or(ilike(urls.short_code, p), ilike(urls.original_url, p), ilike(urls.title, p))!)
  }
  const expired = sql`${urls.expires_at} is not null and ${urls.expires_at} <= now() at time zone 'utc'`
  if (q.state === 'active') where.push(eq(urls.is_active, true), isNull(quarantinedCodes.short_code), sql`not (${expired})`)
  if (q.state === 'expired') where.push(expired)
  if (q.state === 'inactive') where.push(eq(urls.is_active, false))
  if (q.state === 'quarantined') where.push(isNotNull(quarantinedCodes.short_code))
  const filter = and(...where)

  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: urls.id,
        short_code: urls.short_code,
        original_url: urls.original_url,
        title: urls.title,
        is_active: urls.is_active,
        user_id: urls.user_id,
        created_at: urls.created_at,
        expires_at: urls.expires_at,
        max_clicks: urls.max_clicks,
        quarantined: sql<boolean>`${quarantinedCodes.short_code} is not null`,
        risk_tier: riskScores.tier,
        risk_score: riskScores.score,
      })
      .from(urls)
      .leftJoin(quarantinedCodes, eq(quarantinedCodes.short_code, urls.short_code))
      .leftJoin(riskScores, eq(riskScores.url_id, urls.id))
      .where(filter)
      .orderBy(desc(urls.id))
      .limit(q.per_page)
      .offset((q.page - 1) * q.per_page),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(urls)
      .leftJoin(quarantinedCodes, eq(quarantinedCodes.short_code, urls.short_code))
      .where(filter),
  ])

  // the same hourly rollups as GET /urls/:id/stats (issue 15), so the list and the link page agree; the hour the
  // window starts in counts whole
  const since = new Date(Math.floor((Date.now() - CLICK_WINDOW_DAYS * 86_400_000) / 3_600_000) * 3_600_000)
  const ids = rows.map((r) => r.id)
  const clicks =
    ids.length === 0
      ? []
      : await db
          .select({ url_id: clickStatsHourly.url_id, n: sql<number>`sum(${clickStatsHourly.clicks})::int` })
          .from(clickStatsHourly)
          .where(and(inArray(clickStatsHourly.url_id, ids), gte(clickStatsHourly.hour, since)))
          .groupBy(clickStatsHourly.url_id)
  const clicksById = new Map(clicks.map((c) => [c.url_id, c.n]))

  const items: DashboardLink[] = rows.map((r) => ({
    ...r,
    created_at: r.created_at.toISOString(),
    expires_at: r.expires_at?.toISOString() ?? null,
    clicks_7d: clicksById.get(r.id) ?? 0,
  }))
  return { total: total?.n ?? 0, page: q.page, per_page: q.per_page, items }
}
