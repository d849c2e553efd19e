import { index, integer, jsonb, pgTable, serial, timestamp, varchar } from 'drizzle-orm/pg-core'

/**
 * `url_id` and `user_id` have no foreign keys: a key check locks the link's and the owner's row (`FOR KEY SHARE`) for
 * every click, which concurrent click writers turn into multixacts (~11 ms of Postgres per 1 000 clicks under load,
 * decisions/2026-11-27-front-door-measurements.md; no difference measured on a quiet machine). Triggers on
 * `urls` and `users` keep what the keys did (a deleted link's events go, a deleted user's are kept without the user),
 * and `EVENT_REFS_LOCK` orders a deletion after the click transactions in flight
 * (docs/decisions/2026-11-28-events-without-foreign-keys.md, migration 0007).
 */
export const events = pgTable(
  'events',
  {
    id: serial('id').primaryKey(),
    url_id: integer('url_id').notNull(),
    user_id: integer('user_id'),
    event_type: varchar('event_type', { length: 50 }).notNull(),
    referrer: varchar('referrer', { length: 2048 }),
    timestamp: timestamp('timestamp').notNull().defaultNow(),
    details: jsonb('details').$type<Record<string, unknown>>(),
    // the API key that made the change (api_keys.id; no foreign key, the audit outlives its key); null in open mode
    actor_key_id: integer('actor_key_id'),
  },
  (t) => [
    index('events_url_ts_idx').on(t.url_id, t.timestamp),
    index('events_user_ts_idx').on(t.user_id, t.timestamp),
    index('events_type_url_idx').on(t.event_type, t.url_id),
    // BRIN: a few pages for the whole table and next to nothing per insert; lets the retention job find old
    // clicks (packages/clicks/src/retention) without scanning the table
    index('events_timestamp_brin').using('brin', t.timestamp),
  ],
)

export type Event = typeof events.$inferSelect
export type NewEvent = typeof events.$inferInsert
