import { boolean, index, integer, pgTable, serial, smallint, timestamp, varchar } from 'drizzle-orm/pg-core'
import { users } from './users.js'

export const urls = pgTable(
  'urls',
  {
    id: serial('id').primaryKey(),
    // Deleting a user keeps their links (rows are never physically removed) but drops the ownership.
    user_id: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    short_code: varchar('short_code', { length: 10 }).notNull().unique(),
    original_url: varchar('original_url', { length: 2048 }).notNull(),
    title: varchar('title', { length: 255 }),
    is_active: boolean('is_active').notNull().default(true),
    created_at: timestamp('created_at').notNull().defaultNow(),
    updated_at: timestamp('updated_at').notNull().defaultNow(),
    // Per-link options (issue 14); null = not set, the contract's behaviour (apps/api/src/urls/link-options.ts)
    redirect_type: smallint('redirect_type'),
    forward_query: boolean('forward_query'),
    /** UTC, like every timestamp here */
    expires_at: timestamp('expires_at'),
    max_clicks: integer('max_clicks'),
  },
  (t) => [index('urls_user_active_idx').on(t.user_id, t.is_active), index('urls_created_at_idx').on(t.created_at)],
)

export type Url = typeof urls.$inferSelect
