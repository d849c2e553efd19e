import { index, integer, pgTable, serial, timestamp, varchar } from 'drizzle-orm/pg-core'
import { urls } from './urls.js'

/** OK, DEAD, CHAINED, SSL_INVALID as in docs/CONTRACT.md#c-5-1, plus REFUSED for probes the SSRF guard blocked. */
export const HEALTH_STATUSES = ['OK', 'DEAD', 'CHAINED', 'SSL_INVALID', 'REFUSED'] as const
export type HealthStatus = (typeof HEALTH_STATUSES)[number]

export const healthChecks = pgTable(
  'health_checks',
  {
    id: serial('id').primaryKey(),
    url_id: integer('url_id')
      .notNull()
      .references(() => urls.id, { onDelete: 'cascade' }),
    checked_at: timestamp('checked_at').notNull().defaultNow(),
    status_code: integer('status_code'),
    latency_ms: integer('latency_ms'),
    health_status: varchar('health_status', { length: 20 }).$type<HealthStatus>().notNull(),
    redirect_chain_length: integer('redirect_chain_length').notNull().default(0),
    error: varchar('error', { length: 255 }),
  },
  (t) => [index('health_checks_url_checked_idx').on(t.url_id, t.checked_at), index('health_checks_status_idx').on(t.health_status)],
)

export type HealthCheck = typeof healthChecks.$inferSelect
