import { index, integer, jsonb, pgTable, serial, timestamp, varchar } from 'drizzle-orm/pg-core'
import { urls } from './urls.js'
import { users } from './users.js'

export const events = pgTable(
  'events',
  {
    id: serial('id').primaryKey(),
    url_id: integer('url_id')
      .notNull()
      .references(() => urls.id, { onDelete: 'cascade' }),
    user_id: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
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
