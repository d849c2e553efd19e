import type { PendingQuery, Row, TransactionSql } from 'postgres'
import type { ClickRollup } from './click-rollup.js'

/** `{1,2,3}`: a numeric array as one text parameter, cast in SQL (cheaper than escaping each element). */
const literal = (xs: readonly (number | string)[]) => `{${xs.join(',')}}`
const flags = (xs: boolean[]) => `{${xs.map((x) => (x ? 't' : 'f')).join(',')}}`

/**
 * A batch's rollup as common table expressions to add to the click insert's `with` (insert-clicks.ts), so the clicks,
 * their visitor hashes and their pending row are written by one statement of the transaction that claimed the batch,
 * and count exactly when the batch does:
 * - `rollup_seen` inserts the visitor hashes into click_visitor_hashes, in key order (two writers inserting the same
 *   hashes then wait for each other in one order, never in a cycle), and returns those that were new (a hash another
 *   transaction inserted first, committed or not, conflicts: the second waits for the first and does not count it);
 * - `rollup_pending` appends a row per link and hour to click_stats_pending, plain inserts without key or index (no
 *   row lock another writer could wait for), the link-day's count of new visitors on the row that `takesVisitors`.
 * foldClickStats moves the pending rows into the counters later (and drops those of links deleted meanwhile). A
 * row's list keys arrive joined by LIST_KEY_SEPARATOR (0x1f), its counts and the visitors as array literals.
 */
export function rollupCtes(tx: TransactionSql, r: ClickRollup): PendingQuery<Row[]> {
  if (r.url.length === 0) return tx``
  return tx`, rollup_seen as (
      insert into click_visitor_hashes (url_id, day, visitor)
      select v.u, 'epoch'::date + v.d, v.h
      from unnest(${literal(r.visitorUrl)}::int[], ${literal(r.visitorDay)}::int[], ${literal(r.visitorHash)}::int8[]) as v(u, d, h)
      order by 1, 2, 3
      on conflict do nothing
      returning url_id, day
    ), rollup_new as (
      select url_id, day, count(*)::int as n from rollup_seen group by 1, 2
    ), rollup_rows as (
      select x.u, to_timestamp(x.h / 1000) at time zone 'UTC' as hour, x.c, x.hu, x.b, x.k, x.n, x.v
      from unnest(${literal(r.url)}::int[], ${literal(r.hour)}::float8[], ${literal(r.clicks)}::int[], ${literal(r.humans)}::int[],
        ${literal(r.bots)}::int[], ${tx.array(r.keys, 25)}::text[], ${tx.array(r.counts, 25)}::text[], ${flags(r.takesVisitors)}::bool[])
        as x(u, h, c, hu, b, k, n, v)
    ), rollup_pending as (
      insert into click_stats_pending (url_id, hour, clicks, humans, bots, keys, counts, visitors)
      select x.u, x.hour, x.c, x.hu, x.b, string_to_array(x.k, chr(31)), x.n::int[], coalesce(s.n, 0)
      from rollup_rows x left join rollup_new s on x.v and s.url_id = x.u and s.day = x.hour::date
    )`
}
