import { index, integer, pgTable, serial, timestamp, varchar } from 'drizzle-orm/pg-core'
import { users } from './users.js'

/**
 * API keys (docs/SECURITY.md): only the SHA-256 hash of the secret is stored; `prefix` (`gl_` + 8 characters) lets a
 * holder recognise a key in GET /keys. A key is never deleted, only revoked, so audit records keep their meaning;
 * deleting its user removes it.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: serial('id').primaryKey(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: varchar('name', { length: 100 }),
    prefix: varchar('prefix', { length: 16 }).notNull(),
    /** hex SHA-256 of the whole secret */
    hash: varchar('hash', { length: 64 }).notNull().unique(),
    scope: varchar('scope', { length: 10 }).$type<'admin' | 'user'>().notNull(),
    created_at: timestamp('created_at').notNull().defaultNow(),
    revoked_at: timestamp('revoked_at'),
  },
  (t) => [index('api_keys_user_idx').on(t.user_id)],
)

export type ApiKey = typeof apiKeys.$inferSelect
