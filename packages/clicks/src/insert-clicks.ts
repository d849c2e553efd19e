import { type Db, EVENT_REFS_LOCK } from '@ghostlink/db'
import { Click, type ClickBatch, type ClickRecord } from './click-record.js'
import { buildRollup } from './stats/click-rollup.js'
import { startFoldWhenDue } from './stats/fold-click-stats.js'
import { saltsOfCountedDays } from './stats/visitor-salt.js'
import { rollupCte } from './stats/write-rollup.js'

export type InsertClicksOptions = {
  /** Keep the statistics rollups (default). Off only to measure what they cost (bench/stats). */
  rollups?: boolean
  /**
   * A failed fold of the statistics (stats/fold-click-stats.ts) does not fail the insert (the clicks and their pending
   * rollup are committed; the next fold takes them): it is reported here. The fold runs after the insert returns
   * (foldSettled waits for it).
   */
  onFoldError?: (err: unknown) => void
  /**
   * More clicks are waiting behind this call (the stream consumer's read came back full, the fallback buffer holds
   * more than one take): the statistics are then folded every 3 s instead of every second (stats/fold-click-stats.ts).
   */
  backlog?: boolean
}

/**
 * Writes click batches in one transaction (all or nothing, so the caller can ack or retry them together). Each
 * batch id is claimed in `click_batches` first; a batch already written is skipped, which makes every redelivery
 * harmless. The event of a link deleted since the click is dropped and a deleted owner unset (events has no foreign
 * keys: packages/db/src/schema/events.ts), so one deleted link cannot block the pipeline.
 * The statistics rollups (packages/clicks/src/stats) are written by the same statement, so they count each batch
 * once too, and folded into the counters at most once a second (every 3 s while draining a backlog: startFoldWhenDue)
 * after the commit, without waiting for the fold.
 * Returns the records written.
 */
export async function insertClicks(db: Db, batches: ClickBatch[], opts: InsertClicksOptions = {}): Promise<number> {
  if (batches.length === 0) return 0
  const salts = opts.rollups === false ? undefined : await saltsOfCountedDays(db)
  const written = await writeClickBatches(db, batches, salts)
  if (salts) startFoldWhenDue(db, (err) => opts.onFoldError?.(err), opts.backlog)
  return written
}

/** One column of the batch as an array (postgres.js sends it as one array parameter). */
const column = <K extends keyof typeof Click>(records: ClickRecord[], field: K) => records.map((r) => r[Click[field]])

/**
 * The batch travels once, as one array per field, and one statement writes both tables: every record becomes a
 * request_fingerprints row (docs/CONTRACT.md#c-2, #c-4-4: user agent cut to 512, dead link = 404 or 410; a recorded 404 is an
 * unknown code, a recorded 410 a quarantined one and a recorded -410, ClickStatus.inactive, an inactive link's 410,
 * stored as 410 but neither invalid nor quarantined) and every 302 a `redirect` event. Rows are built in SQL, so the writer neither maps nor serialises them (nor the `details` JSON),
 * and the fixed parameter count keeps one prepared statement (decisions/2026-11-26-click-insert-unnest.md).
 * `timestamp without time zone` holds UTC: the epoch milliseconds are converted in SQL.
 */
export async function writeClickBatches(db: Db, batches: ClickBatch[], salts: Map<string, Buffer> | undefined): Promise<number> {
  return db.$client.begin(async (tx) => {
    // EVENT_REFS_LOCK shared, taken by the claim (no round trip of its own): a link or user deleted from now on waits
    // for this transaction's events; one deleted before the insert below is seen by its link and owner checks
    const claimed = await tx<{ batch_id: string }[]>`insert into click_batches (batch_id)
      select unnest(${tx.array(batches.map((b) => b.id))}::text[])
      from (select pg_advisory_xact_lock_shared(${EVENT_REFS_LOCK})) refs
      on conflict do nothing returning batch_id`
    const fresh = new Set(claimed.map((c) => c.batch_id))
    // delete as we take: a batch that comes twice in one read is written once, like one that comes back later
    const records = batches.filter((b) => fresh.delete(b.id)).flatMap((b) => b.records)
    if (records.length === 0) return 0
    // the rollup's pending rows (stats/write-rollup.ts), appended by this same statement
    const rollup = salts ? rollupCte(tx, buildRollup(records, salts)) : tx``
    await tx`
      with x as (
        select * from unnest(
          ${tx.array(column(records, 'at'))}::float8[], ${tx.array(column(records, 'code'))}::text[],
          ${tx.array(column(records, 'status'))}::int[], ${tx.array(column(records, 'ip'))}::text[],
          ${tx.array(column(records, 'ua'))}::text[], ${tx.array(column(records, 'referrer'))}::text[],
          ${tx.array(column(records, 'urlId'))}::int[], ${tx.array(column(records, 'userId'))}::int[]
        ) as x(t, c, s, i, a, r, u, o)
      ), ev as (
        insert into events (url_id, user_id, event_type, referrer, "timestamp", details)
        select x.u, case when exists (select 1 from users where id = x.o) then x.o end, 'redirect', left(x.r, 2048),
          to_timestamp(x.t / 1000) at time zone 'UTC', jsonb_build_object('short_code', x.c, 'client_ip', x.i, 'user_agent', x.a)
        from x where x.s = 302 and exists (select 1 from urls where id = x.u)
      ) ${rollup}
      insert into request_fingerprints
        (short_code, client_ip, user_agent, status_code, is_invalid_short_code, is_quarantined, is_dead_link, created_at)
      select left(x.c, 64), left(x.i, 64), left(x.a, 512), case when x.s = -410 then 410 else x.s end,
        x.s = 404, x.s = 410, x.s <> 302,
        to_timestamp(x.t / 1000) at time zone 'UTC'
      from x`
    return records.length
  })
}

/** Forgets batch ids older than a day: a redelivery comes within minutes (marker TTL, retry grace), never later. */
export async function pruneClickBatches(db: Db): Promise<void> {
  await db.$client`delete from click_batches where inserted_at < now() - interval '1 day'`
}
