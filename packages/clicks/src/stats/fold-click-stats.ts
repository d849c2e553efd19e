import type { Db } from '@ghostlink/db'

/** At most one fold per this interval per database handle; what arrives in between waits, merged with the next. */
const FOLD_EVERY_MS = 1_000
/**
 * The interval while the writer drains a backlog (its calls are full reads): a fold's CPU per record falls with its
 * size (its upserts and merges are per link-hour and link-day touched, and a second's traffic already touches most
 * busy links), so a backlog is drained faster folding less often. Answers stay exact (they read the pending rows), at
 * the price of scanning up to this many seconds of pending rows instead of one (decisions/2026-11-27-click-stats.md,
 * session 8).
 */
const FOLD_EVERY_BACKLOG_MS = 3_000
/**
 * The pending table is emptied every second, leaving its rows dead; autovacuum visits a table at most once a minute,
 * and every fold and every statistics answer scans it, so the folder vacuums it this often.
 */
const VACUUM_EVERY_MS = 10_000
/** Advisory lock key: one fold at a time across all writers (a second one would only wait for the first's keys). */
const FOLD_LOCK = 150_405

/**
 * Moves the pending rollup rows (appended by the click transactions, write-rollup.ts: a row per link and hour with its
 * list counts and visitor hashes as arrays) into the counters, in one transaction that deletes exactly what it applies, so
 * every pending row counts once, whenever and wherever the fold runs. One fold merges the batches of many transactions: a link clicked in each of them costs one upsert per hour
 * and day, not one per batch. It also keeps the all-links rows (GET /stats), which no click transaction touches,
 * and decides which visitor hashes are new (`on conflict do nothing returning`). Rows of links deleted since their
 * clicks are dropped. Returns false when another fold holds the lock (its next round takes our rows).
 */
export async function foldClickStats(db: Db): Promise<boolean> {
  return db.$client.begin(async (tx) => {
    const [lock] = await tx<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${FOLD_LOCK}) as ok`
    if (!lock?.ok) return false
    // the planner cannot tell how many keys a jsonb holds and may guess high enough to JIT-compile the statement,
    // which takes seconds for a statement that runs in milliseconds
    await tx`set local jit = off`
    await tx`
      with p as (
        delete from click_stats_pending returning url_id, hour, clicks, humans, bots, keys, counts, visitors
      ), live as (
        select p.* from p where exists (select 1 from urls where id = p.url_id)
      ), h as (
        -- rows with no clicks (lists and visitors moved over by migration 0006) add no hourly row
        select url_id, hour, sum(clicks)::int as clicks, sum(humans)::int as humans, sum(bots)::int as bots
        from live group by 1, 2 having sum(clicks) > 0
      ), l as (
        select live.url_id, live.hour::date as day, x.key, sum(x.n)::int as clicks
        from live, unnest(live.keys, live.counts) as x(key, n) group by 1, 2, 3
      ), seen as (
        -- a hash repeated in the set conflicts with its first copy (do nothing needs no distinct); sorted, the inserts
        -- walk the key in order
        insert into click_visitor_hashes (url_id, day, visitor)
        select live.url_id, live.hour::date, v.visitor from live, unnest(live.visitors) as v(visitor)
        order by 1, 2, 3
        on conflict do nothing
        returning url_id, day
      ), lg as (
        select url_id, day, array_agg(key) as ks, array_agg(clicks) as ns from l group by 1, 2
      ), d as (
        -- a link-day's lists merged here, in one join with its day row (only the fold writes day rows, one fold at a
        -- time): each touched key's new count replaces the old one; the upsert writes the result as it is
        select hd.url_id, hd.day, hd.clicks, hd.humans, hd.bots, coalesce(v.visitors, 0) as visitors,
          case when lg.ks is null then coalesce(c.lists, '{}'::jsonb)
            else coalesce(c.lists, '{}'::jsonb)
              || (select jsonb_object_agg(u.k, coalesce((c.lists ->> u.k)::bigint, 0) + u.n) from unnest(lg.ks, lg.ns) as u(k, n))
          end as lists
        from (select url_id, hour::date as day, sum(clicks)::int as clicks, sum(humans)::int as humans, sum(bots)::int as bots
              from live group by 1, 2) hd
        left join lg using (url_id, day)
        left join (select url_id, day, count(*)::int as visitors from seen group by 1, 2) v using (url_id, day)
        left join click_stats_days c on c.url_id = hd.url_id and c.day = hd.day
      ), up_hourly as (
        insert into click_stats_hourly as s (url_id, hour, clicks, humans, bots)
        select url_id, hour, clicks, humans, bots from h order by url_id, hour
        on conflict (url_id, hour) do update
          set clicks = s.clicks + excluded.clicks, humans = s.humans + excluded.humans, bots = s.bots + excluded.bots
      ), up_days as (
        insert into click_stats_days as s (url_id, day, clicks, humans, bots, visitors, lists)
        select url_id, day, clicks, humans, bots, visitors, lists from d order by url_id, day
        on conflict (url_id, day) do update
          set clicks = s.clicks + excluded.clicks, humans = s.humans + excluded.humans, bots = s.bots + excluded.bots,
            visitors = s.visitors + excluded.visitors, lists = excluded.lists
      ), up_all_hourly as (
        insert into click_stats_all_hourly as s (hour, clicks, humans, bots)
        select hour, sum(clicks), sum(humans), sum(bots) from h group by hour order by hour
        on conflict (hour) do update
          set clicks = s.clicks + excluded.clicks, humans = s.humans + excluded.humans, bots = s.bots + excluded.bots
      ), al as (
        select day, jsonb_object_agg(key, n) as lists from (select day, key, sum(clicks) as n from l group by 1, 2) t group by 1
      )
      insert into click_stats_all_days as s (day, clicks, humans, bots, visitors, lists)
      select t.day, t.clicks, t.humans, t.bots, t.visitors, coalesce(al.lists, '{}'::jsonb)
      from (select day, sum(clicks) as clicks, sum(humans) as humans, sum(bots) as bots, sum(visitors) as visitors from d group by day) t
      left join al using (day) order by t.day
      on conflict (day) do update
        set clicks = s.clicks + excluded.clicks, humans = s.humans + excluded.humans, bots = s.bots + excluded.bots,
          visitors = s.visitors + excluded.visitors,
          lists = s.lists || coalesce((select jsonb_object_agg(e.key, coalesce((s.lists ->> e.key)::bigint, 0) + e.value::bigint)
            from jsonb_each(excluded.lists) e), '{}'::jsonb)`
    return true
  })
}

const folds = new WeakMap<Db, { at: number; vacuumedAt: number; running: Promise<void> | undefined }>()

/**
 * Starts a fold when the last fold of this handle is FOLD_EVERY_MS old (FOLD_EVERY_BACKLOG_MS when this call is part of
 * a backlog) and none is running in this process; returns at
 * once either way, without waiting for the fold: the writer goes on with its next batch while the fold runs on another
 * connection of the pool (on a one-connection pool, the embedded database, the next batch queues behind it). Called by
 * the click writer after each insert, so the fold's cost is paid where the clicks are written and is spread over the
 * batches of the interval. A failed fold is reported to `onError`; its rows wait for the next.
 */
export function startFoldWhenDue(db: Db, onError: (err: unknown) => void, backlog = false, now = Date.now()): void {
  const state = folds.get(db) ?? { at: 0, vacuumedAt: now, running: undefined }
  folds.set(db, state)
  if (state.running || now - state.at < (backlog ? FOLD_EVERY_BACKLOG_MS : FOLD_EVERY_MS)) return
  state.at = now
  state.running = (async () => {
    await foldClickStats(db)
    if (now - state.vacuumedAt >= VACUUM_EVERY_MS) {
      state.vacuumedAt = now
      // skip_locked: another writer vacuuming the same table is enough
      await db.$client`vacuum (skip_locked) click_stats_pending`
    }
  })()
    .catch(onError)
    .finally(() => {
      state.running = undefined
    })
}

/**
 * Resolves when the fold this handle has running, if any, has finished (it never rejects: errors went to `onError`).
 * The click writer's close() waits for it before its connections close; the bench, so that a fold counts in the slice
 * that started it.
 */
export function foldSettled(db: Db): Promise<void> {
  return folds.get(db)?.running ?? Promise.resolve()
}
