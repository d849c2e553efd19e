import { bigint, customType, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { urls } from './urls.js'

/**
 * Click rollups. The click writer appends each batch's aggregate to the pending tables in the same transaction as the
 * click rows (packages/clicks/src/stats/write-rollup.ts), so a redelivered batch (skipped by click_batches) never
 * counts twice; a fold moves them into the counter tables (fillfactor 80, so an increment is a HOT update that
 * touches no index). The statistics never read raw clicks. Only redirects (302) count. Times are UTC. Rollups outlive
 * the raw rows (CLICK_RETENTION_DAYS).
 */

/** Per link and hour: every redirect, split into humans and bots (isbot). */
export const clickStatsHourly = pgTable(
  'click_stats_hourly',
  {
    url_id: integer('url_id')
      .notNull()
      .references(() => urls.id, { onDelete: 'cascade' }),
    hour: timestamp('hour').notNull(),
    clicks: integer('clicks').notNull(),
    humans: integer('humans').notNull(),
    bots: integer('bots').notNull(),
  },
  (t) => [primaryKey({ columns: [t.url_id, t.hour] }), index('click_stats_hourly_hour_idx').on(t.hour)],
)

/**
 * The lists of a day are one jsonb object of clicks by key, the key being the list's prefix and the value's name
 * (`r:google.com`, `b:Chrome`, `o:iOS`, `d:mobile`): one row per link and day instead of a row per value, so a 30-day
 * answer reads 30 rows and the fold writes one per link and day (decisions/2026-11-27-click-stats.md).
 */
export const StatsListPrefix = { referrer: 'r:', browser: 'b:', os: 'o:', device: 'd:' } as const
export type StatsListName = keyof typeof StatsListPrefix

/** Per link and day: the day's counts (the sums of its hours), distinct human visitors and the lists (bots included). */
export const clickStatsDays = pgTable(
  'click_stats_days',
  {
    url_id: integer('url_id')
      .notNull()
      .references(() => urls.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    clicks: integer('clicks').notNull(),
    humans: integer('humans').notNull(),
    bots: integer('bots').notNull(),
    visitors: integer('visitors').notNull(),
    lists: jsonb('lists').$type<Record<string, number>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.url_id, t.day] }), index('click_stats_days_day_idx').on(t.day)],
)

/**
 * All links together, by hour and by day (GET /stats): folded from the same pending rows as the per-link tables, so
 * they never serialise the click writers on one row. They keep the clicks of links deleted later.
 */
export const clickStatsAllHourly = pgTable('click_stats_all_hourly', {
  hour: timestamp('hour').primaryKey(),
  clicks: bigint('clicks', { mode: 'number' }).notNull(),
  humans: bigint('humans', { mode: 'number' }).notNull(),
  bots: bigint('bots', { mode: 'number' }).notNull(),
})

export const clickStatsAllDays = pgTable('click_stats_all_days', {
  day: date('day', { mode: 'string' }).primaryKey(),
  clicks: bigint('clicks', { mode: 'number' }).notNull(),
  humans: bigint('humans', { mode: 'number' }).notNull(),
  bots: bigint('bots', { mode: 'number' }).notNull(),
  visitors: bigint('visitors', { mode: 'number' }).notNull(),
  lists: jsonb('lists').$type<Record<string, number>>().notNull(),
})

/**
 * What the click transaction writes: a batch's aggregate, one row per link and hour, appended (no key, no index, no
 * conflict check, so no row lock shared with another writer), folded into the tables above by foldClickStats
 * (packages/clicks/src/stats) in a transaction that deletes what it applies. The statistics read these rows too, so
 * an answer never lags the clicks. The hour's list counts travel as two parallel arrays (`keys` as in
 * click_stats_days.lists, `counts`) and the visitor hashes of its human clicks as a third: one row per link and hour
 * instead of a row per table, and arrays that Postgres unnests without parsing jsonb
 * (decisions/2026-11-27-click-stats.md, "One pending row per link and hour").
 */
export const clickStatsPending = pgTable('click_stats_pending', {
  url_id: integer('url_id').notNull(),
  hour: timestamp('hour').notNull(),
  clicks: integer('clicks').notNull(),
  humans: integer('humans').notNull(),
  bots: integer('bots').notNull(),
  keys: text('keys').array().notNull(),
  counts: integer('counts').array().notNull(),
  /** Not yet checked against click_visitor_hashes; a hash may repeat in other rows (the fold keeps one). */
  visitors: bigint('visitors', { mode: 'bigint' }).array().notNull(),
})

/**
 * The visitors seen per link and day: 64 bits of SHA-256(daily salt, IP, user agent), never the IP. Only today's and
 * yesterday's are needed (late batches); the retention job deletes older ones together with their salt, after which
 * a hash can no longer be tied to an address.
 */
export const clickVisitorHashes = pgTable(
  'click_visitor_hashes',
  {
    url_id: integer('url_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    visitor: bigint('visitor', { mode: 'bigint' }).notNull(),
  },
  // no index but the key: the table holds two days, and every insert pays for each index
  (t) => [primaryKey({ columns: [t.url_id, t.day, t.visitor] })],
)

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' })

/** One random salt per UTC day, shared by every click writer (the first to need it creates it); deleted after two days. */
export const clickVisitorSalts = pgTable('click_visitor_salts', {
  day: date('day', { mode: 'string' }).primaryKey(),
  salt: bytea('salt').notNull(),
  created_at: timestamp('created_at').notNull().defaultNow(),
})
