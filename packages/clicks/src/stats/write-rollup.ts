import type { TransactionSql } from 'postgres'
import type { ClickRollup } from './click-rollup.js'

/**
 * Appends a batch's rollup to the pending tables, in the caller's transaction (the one that claimed the batch and
 * wrote its rows), so it counts exactly when the batch does. One statement of plain inserts: no key, no index, no
 * conflict check and no row lock another writer could wait for; foldClickStats moves the rows into the counters later
 * (and drops those of links deleted meanwhile). Arrays carry their element type's oid: an empty one (a batch of bots
 * has no visitors) cannot be inferred. Days travel as text.
 */
export async function writeRollup(tx: TransactionSql, r: ClickRollup): Promise<void> {
  if (r.hourly.url.length === 0) return
  await tx`
    with hourly as (
      insert into click_stats_pending_hourly (url_id, hour, clicks, humans, bots)
      select x.u, to_timestamp(x.h / 1000) at time zone 'UTC', x.c, x.hu, x.b
      from unnest(${tx.array(r.hourly.url, 23)}::int[], ${tx.array(r.hourly.hour, 701)}::float8[], ${tx.array(r.hourly.clicks, 23)}::int[],
        ${tx.array(r.hourly.humans, 23)}::int[], ${tx.array(r.hourly.bots, 23)}::int[]) as x(u, h, c, hu, b)
    ), lists as (
      insert into click_stats_pending_lists (url_id, day, counts)
      select x.u, x.d::date, x.c::jsonb
      from unnest(${tx.array(r.lists.url, 23)}::int[], ${tx.array(r.lists.day, 25)}::text[], ${tx.array(r.lists.counts, 25)}::text[]) as x(u, d, c)
    )
    insert into click_stats_pending_visitors (url_id, day, visitor)
    select x.u, x.d::date, x.v
    from unnest(${tx.array(r.visitors.url, 23)}::int[], ${tx.array(r.visitors.day, 25)}::text[], ${tx.array(r.visitors.visitor, 20)}::int8[]) as x(u, d, v)`
}
