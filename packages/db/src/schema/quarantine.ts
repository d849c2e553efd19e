import { bigserial, index, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core'

/** The quarantine list: the source of truth that the Nginx map file and the redirect tier are rendered from. */
export const quarantinedCodes = pgTable('quarantined_codes', {
  short_code: varchar('short_code', { length: 64 }).primaryKey(),
  source: varchar('source', { length: 10 }).$type<'manual' | 'auto'>().notNull().default('manual'),
  reason: varchar('reason', { length: 255 }),
  actor: varchar('actor', { length: 100 }).notNull(),
  created_at: timestamp('created_at').notNull().defaultNow(),
})

export const quarantineAudit = pgTable(
  'quarantine_audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    short_code: varchar('short_code', { length: 64 }).notNull(),
    action: varchar('action', { length: 20 }).$type<'quarantine' | 'unquarantine'>().notNull(),
    actor: varchar('actor', { length: 100 }).notNull(),
    reason: varchar('reason', { length: 255 }),
    at: timestamp('at').notNull().defaultNow(),
  },
  (t) => [index('quarantine_audit_code_idx').on(t.short_code, t.at)],
)

export type QuarantinedCode = typeof quarantinedCodes.$inferSelect
