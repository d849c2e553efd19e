import type { Db } from '@ghostlink/db'

/**
 * The CTEs `days` (one row per day from `start`, epoch ms) and `lists` (one jsonb of the lists the fold keeps for a
 * busy link's day: 300 referrer hosts, 25 browsers, 12 OS and 5 device types, clicks falling off with rank, Zipf,
 * `clicksPerDay` in all per dimension), for the statistics benches to insert day rows with: `with ${dayLists(...)} insert ...`.
 */
export function dayLists(sql: Db['$client'], { start, days, clicksPerDay }: { start: number; days: number; clicksPerDay: number }) {
  return sql`
    days as (select d, (to_timestamp(${start / 1000} + d * 86400) at time zone 'UTC')::date as day from generate_series(0, ${days - 1}) d),
    dims(k, p, n) as (values (1, 'r:', 300), (2, 'b:', 25), (3, 'o:', 12), (4, 'd:', 5)),
    vals as (select k, p, i, (1.0 / i) / sum(1.0 / i) over (partition by k) as share from dims, generate_series(1, n) i),
    lists as (
      select jsonb_object_agg(p || case k when 1 then 'host' || i || '.example' when 2 then 'Browser ' || i when 3 then 'OS ' || i else 'device' || i end,
        greatest(1, (${clicksPerDay} * share)::int)) as lists from vals
    )`
}
