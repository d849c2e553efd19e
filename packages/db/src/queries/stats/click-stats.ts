import { StatsListPrefix, type StatsListName } from '../../schema/click-stats.js'
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
 * (`GET /stats`), read from the rollups only (docs/API_REFERENCE.md "Click statistics"): the folded day, hour and
 * all-links rows plus the pending ones (packages/clicks/src/stats/fold-click-stats.ts), so an answer includes every
 * committed click. Counts and the series cover [from, to) by the hour; the lists and unique visitors cover the whole
 * UTC days that range touches.
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

const LIST_NAMES = Object.entries(StatsListPrefix) as [StatsListName, string][]

/** The UTC days [first, last) that [from, to) touches, as dates. */
function dayBounds(range: StatsRange): [string, string] {
  const d = UNIT_MS.day
  return [isoDay(Math.floor(range.from / d) * d), isoDay(Math.ceil(range.to / d) * d)]
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const utc = (sql: Sql, ms: number) => sql`(to_timestamp(${ms / 1000}) at time zone 'UTC')`

/** Rows of the link tables (and the pending ones) in scope; `all` adds nothing (the all-links tables are read instead). */
function scopeFilter(sql: Sql, scope: Scope, table: string) {
  const col = sql(`${table}.url_id`)
  if (scope === 'all') return sql``
  if ('url' in scope) return sql`and ${col} = ${scope.url}`
  return sql`and ${col} in (select id from urls where user_id = ${scope.user})`
}

/**
 * One statement (so one snapshot: a fold that commits meanwhile is seen either not at all or whole) of rows by kind:
 * `d` the day rows (counts and visitors; the series when it is by the day), `l` the list counts summed over the days'
 * objects and the pending ones, `h` the hourly rows when the series is by the hour, and the pending rows not folded
 * yet (click_stats_pending, a row per link and hour): `ph` their hours, `l` their list counts, `pv` their visitors that
 * are new (neither folded nor repeated). The lists are summed in SQL:
 * sending 30 objects of a few hundred keys and parsing them here costs more, most of all with answers in parallel.
 */
async function stats(sql: Sql, scope: Scope, range: StatsRange): Promise<ClickStatsBody> {
  const unit = UNIT_MS[range.interval]
  const [firstDay, endDay] = dayBounds(range)
  const from = utc(sql, range.from)
  const to = utc(sql, range.to)
  const all = scope === 'all'
  const live = (t: string) => sql`${scopeFilter(sql, scope, t)} and exists (select 1 from urls where id = ${sql(`${t}.url_id`)})`
  const days = all ? sql`click_stats_all_days d` : sql`click_stats_days d`
  const dayRange = sql`d.day >= ${firstDay}::date and d.day < ${endDay}::date ${scopeFilter(sql, scope, 'd')}`
  const hours =
    range.interval === 'day'
      ? sql``
      : sql`
      union all
      select 'h', extract(epoch from h.hour)::float8 * 1000, null, h.clicks::float8, h.humans::float8, h.bots::float8, 0
      from ${all ? sql`click_stats_all_hourly h` : sql`click_stats_hourly h`}
      where h.hour >= ${from} and h.hour < ${to} ${scopeFilter(sql, scope, 'h')}`
  const rows = await sql<
    { kind: 'd' | 'l' | 'h' | 'ph' | 'pv'; t: number | null; key: string | null; clicks: number; humans: number; bots: number; visitors: number }[]
  >`
    select 'd' as kind, extract(epoch from d.day)::float8 * 1000 as t, null as key, d.clicks::float8 as clicks,
      d.humans::float8 as humans, d.bots::float8 as bots, d.visitors::float8 as visitors
    from ${days} where ${dayRange}
    union all
    select 'l', null, e.key, sum(e.value::float8), 0, 0, 0 from ${days}, jsonb_each(d.lists) e where ${dayRange} group by e.key
    ${hours}
    union all
    select 'ph', extract(epoch from p.hour)::float8 * 1000, null, sum(p.clicks)::float8, sum(p.humans)::float8, sum(p.bots)::float8, 0
    from click_stats_pending p where p.hour >= ${from} and p.hour < ${to} ${live('p')} group by p.hour
    union all
    select 'l', null, x.key, sum(x.n::float8), 0, 0, 0
    from click_stats_pending p, unnest(p.keys, p.counts) as x(key, n)
    where p.hour >= ${firstDay}::date and p.hour < ${endDay}::date ${live('p')} group by x.key
    union all
    select 'pv', null, null, 0, 0, 0, count(*)::float8 from (
      select distinct p.url_id, p.hour::date as day, v.visitor from click_stats_pending p, unnest(p.visitors) as v(visitor)
      where p.hour >= ${firstDay}::date and p.hour < ${endDay}::date ${live('p')}
        and not exists (select 1 from click_visitor_hashes h where h.url_id = p.url_id and h.day = p.hour::date and h.visitor = v.visitor)
    ) x`

  const byTime = new Map<number, { clicks: number; humans: number; bots: number }>()
  const add = (t: number, r: { clicks: number; humans: number; bots: number }) => {
    const p = byTime.get(t)
    if (p) {
      p.clicks += r.clicks
      p.humans += r.humans
      p.bots += r.bots
    } else byTime.set(t, { clicks: r.clicks, humans: r.humans, bots: r.bots })
  }
  const lists = new Map<string, number>()
  const count = (key: string, n: number) => lists.set(key, (lists.get(key) ?? 0) + n)
  let visitors = 0
  for (const r of rows) {
    visitors += r.visitors
    if (r.kind === 'd') {
      if (range.interval === 'day') add(r.t!, r)
    } else if (r.kind === 'l') count(r.key!, r.clicks)
    else if (r.kind === 'h') add(r.t!, r)
    else if (r.kind === 'ph') add(Math.floor(r.t! / unit) * unit, r)
  }

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

  const byList = new Map<StatsListName, { value: string; clicks: number }[]>(LIST_NAMES.map(([name]) => [name, []]))
  for (const [key, clicks] of lists) {
    const list = LIST_NAMES.find(([, prefix]) => key.startsWith(prefix))
    if (list) byList.get(list[0])!.push({ value: key.slice(list[1].length), clicks })
  }
  const top = (name: StatsListName) => topWithOther(byList.get(name)!)
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    interval: range.interval,
    total: sums.clicks,
    humans: sums.humans,
    bots: sums.bots,
    unique_visitors: visitors,
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

/**
 * The links with the most clicks in [from, to): the day rows for the whole days inside the range, the hourly rows for
 * the hours of the days it cuts, and the pending rows; so the work grows with the links clicked and the days, not the
 * hours.
 */
async function topLinks(sql: Sql, scope: 'all' | { user: number }, range: StatsRange): Promise<TopLink[]> {
  const d = UNIT_MS.day
  const firstWhole = Math.ceil(range.from / d) * d
  const endWhole = Math.floor(range.to / d) * d
  // no whole day inside: the hours of [from, to) only
  const [daysFrom, daysTo, headTo, tailFrom] =
    firstWhole < endWhole ? [firstWhole, endWhole, firstWhole, endWhole] : [0, 0, range.to, range.to]
  return sql<TopLink[]>`
    select x.url_id, u.short_code, sum(x.clicks)::float8 as clicks
    from (
      select d.url_id, d.clicks from click_stats_days d
      where d.day >= ${isoDay(daysFrom)}::date and d.day < ${isoDay(daysTo)}::date ${scopeFilter(sql, scope, 'd')}
      union all
      select h.url_id, h.clicks from click_stats_hourly h
      where ((h.hour >= ${utc(sql, range.from)} and h.hour < ${utc(sql, headTo)}) or (h.hour >= ${utc(sql, tailFrom)} and h.hour < ${utc(sql, range.to)}))
        ${scopeFilter(sql, scope, 'h')}
      union all
      select p.url_id, p.clicks from click_stats_pending p
      where p.clicks > 0 and p.hour >= ${utc(sql, range.from)} and p.hour < ${utc(sql, range.to)} ${scopeFilter(sql, scope, 'p')}
    ) x join urls u on u.id = x.url_id
    group by x.url_id, u.short_code
    order by clicks desc, x.url_id
    limit ${TOP}`
}
