import { index, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core'

/**
 * Click batches already written, by the id the redirect replica gave them. Claimed in the same transaction as the
 * batch's rows, so a batch delivered twice (a Redis restart that lost the hand-off marker, a crash between COMMIT
 * and XACK, a batch sent to Redis and later to the memory buffer) is written once. Pruned after a day.
 */
export const clickBatches = pgTable(
  'click_batches',
  {
    batch_id: varchar('batch_id', { length: 120 }).primaryKey(),
    inserted_at: timestamp('inserted_at').notNull().defaultNow(),
  },
  (t) => [index('click_batches_inserted_idx').on(t.inserted_at)],
)
