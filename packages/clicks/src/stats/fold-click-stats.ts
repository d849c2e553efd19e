import type { Db } from '@ghostlink/db'

/** At most one fold per this interval per database handle; what arrives in between waits, merged with the next. */
const FOLD_EVERY_MS = 1_000
/**
 * The pending tables are emptied every second, leaving their rows dead; autovacuum visits a table at most once a
 * minute, and every fold and every statistics answer scans them, so the folder vacuums them this often.
 */
const VACUUM_EVERY_MS = 10_000
/** Advisory lock key: one fold at a time across all writers (a second one would only wait for the first's keys). */
const FOLD_LOCK = 150_405

/**
 * Moves the pending rollup rows (appended by the click transactions, write-rollup.ts) into the counters, in one
 * transaction that deletes exactly what it applies, so every pending row counts once, whenever and wherever the fold
 * runs. One fold merges the batches of many transactions: a link clicked in each of them costs one upsert per hour
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
      with ph as (
        delete from click_stats_pending_hourly returning url_id, hour, clicks, humans, bots
      ), pl as (
        delete from click_stats_pending_lists returning url_id, day, counts
      ), pv as (
        delete from click_stats_pending_visitors returning url_id, day, visitor
      ), live as (
        -- every list and visitor row has an hourly row of the same link (they come from the same clicks)
        select id from urls where id in (select url_id from ph)
      ), h as (
        select ph.url_id, ph.hour, sum(ph.clicks)::int as clicks, sum(ph.humans)::int as humans, sum(ph.bots)::int as bots
        from ph join live on live.id = ph.url_id group by 1, 2
      ), l as (
        select pl.url_id, pl.day, e.key, sum(e.value::int)::int as clicks
        from pl join live on live.id = pl.url_id, jsonb_each(pl.counts) e group by 1, 2, 3
      ), seen as (
        insert into click_visitor_hashes (url_id, day, visitor)
        select distinct pv.url_id, pv.day, pv.visitor from pv join live on live.id = pv.url_id
        order by 1, 2, 3
        on conflict do nothing
        returning url_id, day
      ), d as (
        select url_id, day, coalesce(hd.clicks, 0) as clicks, coalesce(hd.humans, 0) as humans, coalesce(hd.bots, 0) as bots,
          coalesce(v.visitors, 0) as visitors, coalesce(ld.lists, '{}'::jsonb) as lists
        from (select url_id, hour::date as day, sum(clicks)::int as clicks, sum(humans)::int as humans, sum(bots)::int as bots
              from h group by 1, 2) hd
        full join (select url_id, day, jsonb_object_agg(key, clicks) as lists from l group by 1, 2) ld using (url_id, day)
        full join (select url_id, day, count(*)::int as visitors from seen group by 1, 2) v using (url_id, day)
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
            visitors = s.visitors + excluded.visitors,
            lists = s.lists || coalesce((select jsonb_object_agg(e.key, coalesce((s.lists ->> e.key)::bigint, 0) + e.value::bigint)
              from jsonb_each(excluded.lists) e), '{}'::jsonb)
      ), up_all_hourly as (
        insert into click_stats_all_hourly as s (hour, clicks, humans, bots)
        select hour, sum(clicks), sum(humans), sum(bots) from h group by hour order by hour
        on conflict (hour) do update
          set clicks = s.clicks + excluded.clicks, humans = s.humans + excluded.humans, bots = s.bots + excluded.bots
      )
      insert into click_stats_all_days as s (day, clicks, humans, bots, visitors, lists)
      select d.day, sum(d.clicks), sum(d.humans), sum(d.bots), sum(d.visitors),
        coalesce((select jsonb_object_agg(t.key, t.n) from (select l.key, sum(l.clicks) as n from l where l.day = d.day group by l.key) t), '{}'::jsonb)
      from d group by d.day order by d.day
      on conflict (day) do update
        set clicks = s.clicks + excluded.clicks, humans = s.humans + excluded.humans, bots = s.bots + excluded.bots,
          visitors = s.visitors + excluded.visitors,
          lists = s.lists || coalesce((select jsonb_object_agg(e.key, coalesce((s.lists ->> e.key)::bigint, 0) + e.value::bigint)
            from jsonb_each(excluded.lists) e), '{}'::jsonb)`
    return true
  })
}

const lastFold = new WeakMap<Db, { at: number; vacuumedAt: number; running: boolean }>()

/**
 * Folds when the last fold of this handle is FOLD_EVERY_MS old and none is running in this process; otherwise returns
 * at once. Called by the click writer after each insert, so the fold's cost is paid where the clicks are written
 * and is spread over the batches of the interval.
 */
export async function foldWhenDue(db: Db, now = Date.now()): Promise<void> {
  const state = lastFold.get(db) ?? { at: 0, vacuumedAt: now, running: false }
  lastFold.set(db, state)
  if (state.running || now - state.at < FOLD_EVERY_MS) return
  state.running = true
  state.at = now
  try {
    await foldClickStats(db)
    if (now - state.vacuumedAt >= VACUUM_EVERY_MS) {
      state.vacuumedAt = now
      // skip_locked: another writer vacuuming the same table is enough
      await db.$client`vacuum (skip_locked) click_stats_pending_hourly, click_stats_pending_lists, click_stats_pending_visitors`
    }
  } finally {
    state.running = false
  }
}
