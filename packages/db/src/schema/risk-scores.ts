import { index, integer, jsonb, pgTable, serial, timestamp, varchar } from 'drizzle-orm/pg-core'
import { urls } from './urls.js'

export const RISK_TIERS = ['SAFE', 'WATCHLIST', 'THREAT'] as const
export type RiskTier = (typeof RISK_TIERS)[number]

export const riskScores = pgTable(
  'risk_scores',
  {
    id: serial('id').primaryKey(),
    url_id: integer('url_id')
      .notNull()
      .unique()
      .references(() => urls.id, { onDelete: 'cascade' }),
    score: integer('score').notNull().default(0),
    tier: varchar('tier', { length: 20 }).$type<RiskTier>().notNull(),
    signals: jsonb('signals').$type<Record<string, unknown>>().notNull().default({}),
    computed_at: timestamp('computed_at').notNull().defaultNow(),
  },
  (t) => [index('risk_scores_tier_idx').on(t.tier), index('risk_scores_score_idx').on(t.score)],
)

export type RiskScore = typeof riskScores.$inferSelect
