import { doublePrecision, integer, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core'

/** Durable canary state (the original kept it in a shell-sourced env file, docs/CONTRACT.md#c-5-2). One row per canary path. */
export const canaryState = pgTable('canary_state', {
  canary: varchar('canary', { length: 40 }).primaryKey(),
  success_total: integer('success_total').notNull().default(0),
  failure_total: integer('failure_total').notNull().default(0),
  last_status: integer('last_status').notNull().default(0),
  last_latency_seconds: doublePrecision('last_latency_seconds').notNull().default(0),
  last_run_at: timestamp('last_run_at'),
})

export type CanaryState = typeof canaryState.$inferSelect
