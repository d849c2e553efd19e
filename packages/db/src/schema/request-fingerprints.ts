import { bigserial, boolean, index, integer, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core'

/**
 * One row per answered request on /<code> and /r/<code> (docs/CONTRACT.md#c-4-4). An inactive link's 410 is a dead link only;
 * a quarantined code's 410 is also `is_quarantined`, an unknown code's 404 also `is_invalid_short_code`.
 */
export const requestFingerprints = pgTable(
  'request_fingerprints',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    short_code: varchar('short_code', { length: 64 }),
    client_ip: varchar('client_ip', { length: 64 }),
    user_agent: varchar('user_agent', { length: 512 }),
    status_code: integer('status_code').notNull(),
    is_invalid_short_code: boolean('is_invalid_short_code').notNull().default(false),
    is_ghost_probe: boolean('is_ghost_probe').notNull().default(false),
    is_quarantined: boolean('is_quarantined').notNull().default(false),
    is_dead_link: boolean('is_dead_link').notNull().default(false),
    created_at: timestamp('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('fingerprints_ip_created_idx').on(t.client_ip, t.created_at),
    index('fingerprints_code_created_idx').on(t.short_code, t.created_at),
    index('fingerprints_created_idx').on(t.created_at),
  ],
)

export type RequestFingerprint = typeof requestFingerprints.$inferSelect
export type NewRequestFingerprint = typeof requestFingerprints.$inferInsert
