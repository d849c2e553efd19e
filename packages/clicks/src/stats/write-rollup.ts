import type { TransactionSql } from 'postgres'
import type { ClickRollup } from './click-rollup.js'

/**
 * Adds a batch's rollup to the rollup tables, in the caller's transaction (the one that claimed the batch and wrote
 * its rows). One statement; rows are upserted in key order so two writers touching the same links lock them in the
 * same order and cannot deadlock. A link deleted since the click fails the foreign key; the caller's retry (`checkRefs`) skips it.
 * Arrays carry their element type's oid: an empty one (a batch of bots has no visitors) cannot be inferred.
 * Days travel as text. A visitor counts when its hash is new for the link and day (`on conflict do nothing returning`).
 */
export async function writeRollup(tx: TransactionSql, r: ClickRollup, checkRefs: boolean): Promise<void> {
  if (r.hourly.url.length === 0) return
  // the foreign keys catch a deleted link (23503); only the retry (checkRefs) pays for looking each link up
  const linkExists = checkRefs ? tx`where exists (select 1 from urls where id = x.u)` : tx``
  await tx`
    with hourly as (
      insert into click_stats_hourly as s (url_id, hour, clicks, humans, bots)
      select x.u, to_timestamp(x.h / 1000) at time zone 'UTC', x.c, x.hu, x.b
      from unnest(${tx.array(r.hourly.url, 23)}::int[], ${tx.array(r.hourly.hour, 701)}::float8[], ${tx.array(r.hourly.clicks, 23)}::int[],
        ${tx.array(r.hourly.humans, 23)}::int[], ${tx.array(r.hourly.bots, 23)}::int[]) as x(u, h, c, hu, b)
      ${linkExists}
      order by x.u, x.h
      on conflict (url_id, hour) do update
        set clicks = s.clicks + excluded.clicks, humans = s.humans + excluded.humans, bots = s.bots + excluded.bots
    ), daily as (
      insert into click_stats_daily as s (url_id, day, dimension, value, clicks)
      select x.u, x.d::date, x.k, x.v, x.c
      from unnest(${tx.array(r.daily.url, 23)}::int[], ${tx.array(r.daily.day, 25)}::text[], ${tx.array(r.daily.dimension, 21)}::int2[],
        ${tx.array(r.daily.value, 25)}::text[], ${tx.array(r.daily.clicks, 23)}::int[]) as x(u, d, k, v, c)
      ${linkExists}
      order by x.u, x.d, x.k, x.v
      on conflict (url_id, day, dimension, value) do update set clicks = s.clicks + excluded.clicks
    ), seen as (
      insert into click_visitor_hashes (url_id, day, visitor)
      select x.u, x.d::date, x.v
      from unnest(${tx.array(r.visitors.url, 23)}::int[], ${tx.array(r.visitors.day, 25)}::text[], ${tx.array(r.visitors.visitor, 20)}::int8[]) as x(u, d, v)
      ${linkExists}
      order by x.u, x.d, x.v
      on conflict do nothing
      returning url_id, day
    )
    insert into click_stats_visitors as s (url_id, day, visitors)
    select url_id, day, count(*) from seen group by url_id, day order by url_id, day
    on conflict (url_id, day) do update set visitors = s.visitors + excluded.visitors`
}
