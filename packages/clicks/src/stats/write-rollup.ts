import type { PendingQuery, Row, TransactionSql } from 'postgres'
import type { ClickRollup } from './click-rollup.js'

/** `{1,2,3}`: a numeric array as one text parameter, cast in SQL (cheaper than escaping each element). */
const literal = (xs: number[]) => `{${xs.join(',')}}`

/**
 * A batch's rollup as a common table expression to add to the click insert's `with` (insert-clicks.ts): the pending
 * rows are appended by the same statement as the clicks, in the transaction that claimed the batch, so they count
 * exactly when the batch does (one statement instead of two: a round trip and an executor start less per call).
 * Plain inserts, a row per link and hour: no key, no index, no conflict check and no row lock another writer could
 * wait for; foldClickStats moves the rows into the counters later (and drops those of links deleted meanwhile). A
 * row's list keys arrive joined by LIST_KEY_SEPARATOR (0x1f), its counts and visitor hashes as array literals.
 */
export function rollupCte(tx: TransactionSql, r: ClickRollup): PendingQuery<Row[]> {
  if (r.url.length === 0) return tx``
  return tx`, rollup_pending as (
      insert into click_stats_pending (url_id, hour, clicks, humans, bots, keys, counts, visitors)
      select x.u, to_timestamp(x.h / 1000) at time zone 'UTC', x.c, x.hu, x.b, string_to_array(x.k, chr(31)), x.n::int[], x.v::int8[]
      from unnest(${literal(r.url)}::int[], ${literal(r.hour)}::float8[], ${literal(r.clicks)}::int[], ${literal(r.humans)}::int[],
        ${literal(r.bots)}::int[], ${tx.array(r.keys, 25)}::text[], ${tx.array(r.counts, 25)}::text[], ${tx.array(r.visitors, 25)}::text[])
        as x(u, h, c, hu, b, k, n, v)
    )`
}
