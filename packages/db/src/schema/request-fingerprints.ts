import { sql } from 'drizzle-orm'
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
  // Every click writes this row, so each index is paid per click. The readers look at a time window (the risk job's
  // 30 minutes, retention: fingerprints_created_idx, appended at its right edge) or at one code's dead-link hits
  // (readRiskInputs: the partial index, which a 302 never enters). No reader looks up an address: an index on
  // client_ip cost a random-key entry per click for nothing (docs/decisions/2026-11-28-fingerprint-indexes.md).
  (t) => [
    index('fingerprints_created_idx').on(t.created_at),
    index('fingerprints_dead_code_created_idx').on(t.short_code, t.created_at).where(sql`${t.is_dead_link}`),
  ],
)

export type RequestFingerprint = typeof requestFingerprints.$inferSelect
export type NewRequestFingerprint = typeof requestFingerprints.$inferInsert
