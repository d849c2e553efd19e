import { bigint, customType, date, index, integer, pgTable, primaryKey, smallint, timestamp, varchar } from 'drizzle-orm/pg-core'
import { urls } from './urls.js'

/**
 * Click rollups (the migration sets fillfactor 80 on the three counter tables, so an increment is a HOT update that
 * touches no index), kept by the click writer in the same transaction as the click rows (packages/clicks/src/rollup-clicks.ts),
 * so the statistics never read raw clicks and a redelivered batch (skipped by click_batches) never counts twice.
 * Only redirects (302) count. Times are UTC. Rollups outlive the raw rows (CLICK_RETENTION_DAYS).
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

/** Dimensions of click_stats_daily; the numbers are stored (smallint), the names are the API's. */
export const StatsDimension = { referrer: 1, browser: 2, os: 3, device: 4 } as const
export type StatsDimensionName = keyof typeof StatsDimension

/** Per link, day and dimension value (referrer host, browser, OS, device type): clicks, bots included. */
export const clickStatsDaily = pgTable(
  'click_stats_daily',
  {
    url_id: integer('url_id')
      .notNull()
      .references(() => urls.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    dimension: smallint('dimension').notNull(),
    value: varchar('value', { length: 255 }).notNull(),
    clicks: integer('clicks').notNull(),
  },
  (t) => [primaryKey({ columns: [t.url_id, t.day, t.dimension, t.value] }), index('click_stats_daily_day_idx').on(t.day)],
)

/** Per link and day: distinct human visitors, counted exactly from click_visitor_hashes as they arrive. */
export const clickStatsVisitors = pgTable(
  'click_stats_visitors',
  {
    url_id: integer('url_id')
      .notNull()
      .references(() => urls.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    visitors: integer('visitors').notNull(),
  },
  (t) => [primaryKey({ columns: [t.url_id, t.day] }), index('click_stats_visitors_day_idx').on(t.day)],
)

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
