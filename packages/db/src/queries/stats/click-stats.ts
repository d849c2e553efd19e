import { StatsDimension } from '../../schema/click-stats.js'
import type { Db } from '../../client.js'
import { type StatsRange, UNIT_MS } from './stats-range.js'

type Sql = Db['$client']

export type StatsPoint = { t: string; clicks: number; humans: number; bots: number }
export type ClickStatsBody = {
  from: string
  to: string
  interval: StatsRange['interval']
  total: number
  humans: number
  bots: number
  unique_visitors: number
  series: StatsPoint[]
  referrers: { host: string; clicks: number }[]
  browsers: { name: string; clicks: number }[]
  os: { name: string; clicks: number }[]
  devices: { type: string; clicks: number }[]
}
export type TopLink = { url_id: number; short_code: string; clicks: number }

export const TOP = 10

/** Which links a query covers. */
type Scope = { url: number } | { user: number } | 'all'

/**
 * Statistics of one link (`GET /urls/:id/stats`), of one user's links (`GET /users/me/stats`) or of all links
 * (`GET /stats`), read from the rollups only (docs/API_REFERENCE.md "Click statistics"). Counts and the series
 * cover [from, to) by the hour; the lists and unique visitors cover the whole UTC days that range touches.
 * Unique visitors are counted per link and day (a daily salt), so they add up over days and links.
 */
export async function statsForUrl(db: Db, urlId: number, range: StatsRange): Promise<ClickStatsBody & { url_id: number }> {
  return { url_id: urlId, ...(await stats(db.$client, { url: urlId }, range)) }
}

export async function statsForUser(
  db: Db,
  userId: number,
  range: StatsRange,
): Promise<ClickStatsBody & { user_id: number; links: TopLink[] }> {
  const scope = { user: userId }
  const [body, links] = await Promise.all([stats(db.$client, scope, range), topLinks(db.$client, scope, range)])
  return { user_id: userId, ...body, links }
}

export async function statsForAll(db: Db, range: StatsRange): Promise<ClickStatsBody & { links: TopLink[] }> {
  const [body, links] = await Promise.all([stats(db.$client, 'all', range), topLinks(db.$client, 'all', range)])
  return { ...body, links }
}

const DIMENSION_NAMES = new Map<number, keyof typeof StatsDimension>(
  Object.entries(StatsDimension).map(([k, v]) => [v, k as keyof typeof StatsDimension]),
)

/** The UTC days [first, last) that [from, to) touches, as dates. */
function dayBounds(range: StatsRange): [string, string] {
  const d = UNIT_MS.day
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)
  return [iso(Math.floor(range.from / d) * d), iso(Math.ceil(range.to / d) * d)]
}

function scopeFilter(sql: Sql, scope: Scope, table: 'h' | 'd' | 'v') {
  const col = sql(`${table}.url_id`)
  if (scope === 'all') return sql``
  if ('url' in scope) return sql`and ${col} = ${scope.url}`
  return sql`and ${col} in (select id from urls where user_id = ${scope.user})`
}

async function stats(sql: Sql, scope: Scope, range: StatsRange): Promise<ClickStatsBody> {
  const unit = UNIT_MS[range.interval]
  const [firstDay, endDay] = dayBounds(range)
  const from = sql`(to_timestamp(${range.from / 1000}) at time zone 'UTC')`
  const to = sql`(to_timestamp(${range.to / 1000}) at time zone 'UTC')`
  const [series, dims, [uniques]] = await Promise.all([
    sql<{ t: number; clicks: number; humans: number; bots: number }[]>`
      select extract(epoch from date_trunc(${range.interval}, h.hour))::float8 * 1000 as t,
        sum(h.clicks)::float8 as clicks, sum(h.humans)::float8 as humans, sum(h.bots)::float8 as bots
      from click_stats_hourly h
      where h.hour >= ${from} and h.hour < ${to} ${scopeFilter(sql, scope, 'h')}
      group by 1`,
    sql<{ dimension: number; value: string; clicks: number }[]>`
      select d.dimension, d.value, sum(d.clicks)::float8 as clicks
      from click_stats_daily d
      where d.day >= ${firstDay}::date and d.day < ${endDay}::date ${scopeFilter(sql, scope, 'd')}
      group by 1, 2`,
    sql<{ n: number }[]>`
      select coalesce(sum(v.visitors), 0)::float8 as n
      from click_stats_visitors v
      where v.day >= ${firstDay}::date and v.day < ${endDay}::date ${scopeFilter(sql, scope, 'v')}`,
  ])

  const byTime = new Map(series.map((p) => [p.t, p]))
  const points: StatsPoint[] = []
  const sums = { clicks: 0, humans: 0, bots: 0 }
  for (let t = range.from; t < range.to; t += unit) {
    const p = byTime.get(t)
    const point = { t: new Date(t).toISOString(), clicks: p?.clicks ?? 0, humans: p?.humans ?? 0, bots: p?.bots ?? 0 }
    sums.clicks += point.clicks
    sums.humans += point.humans
    sums.bots += point.bots
    points.push(point)
  }

  const lists = new Map<keyof typeof StatsDimension, { value: string; clicks: number }[]>()
  for (const row of dims) {
    const name = DIMENSION_NAMES.get(row.dimension)
    if (!name) continue
    const list = lists.get(name) ?? []
    lists.set(name, list)
    list.push({ value: row.value, clicks: row.clicks })
  }
  const top = (name: keyof typeof StatsDimension) => topWithOther(lists.get(name) ?? [])
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    interval: range.interval,
    total: sums.clicks,
    humans: sums.humans,
    bots: sums.bots,
    unique_visitors: uniques?.n ?? 0,
    series: points,
    referrers: top('referrer').map(({ value, clicks }) => ({ host: value, clicks })),
    browsers: top('browser').map(({ value, clicks }) => ({ name: value, clicks })),
    os: top('os').map(({ value, clicks }) => ({ name: value, clicks })),
    devices: top('device').map(({ value, clicks }) => ({ type: value, clicks })),
  }
}

/** The TOP values by clicks (ties by name), the rest summed as `other`. */
export function topWithOther(list: { value: string; clicks: number }[]): { value: string; clicks: number }[] {
  const sorted = [...list].sort((a, b) => b.clicks - a.clicks || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
  if (sorted.length <= TOP) return sorted
  const rest = sorted.slice(TOP).reduce((n, x) => n + x.clicks, 0)
  return [...sorted.slice(0, TOP), { value: 'other', clicks: rest }]
}

async function topLinks(sql: Sql, scope: 'all' | { user: number }, range: StatsRange): Promise<TopLink[]> {
  return sql<TopLink[]>`
    select h.url_id, u.short_code, sum(h.clicks)::float8 as clicks
    from click_stats_hourly h join urls u on u.id = h.url_id
    where h.hour >= (to_timestamp(${range.from / 1000}) at time zone 'UTC') and h.hour < (to_timestamp(${range.to / 1000}) at time zone 'UTC')
      ${scopeFilter(sql, scope, 'h')}
    group by h.url_id, u.short_code
    order by clicks desc, h.url_id
    limit ${TOP}`
}
