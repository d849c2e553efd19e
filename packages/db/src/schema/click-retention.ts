import { pgTable, smallint, timestamp } from 'drizzle-orm/pg-core'

/**
 * The click-retention job's progress (packages/clicks/src/retention): one row (id 1). Client IPs of clicks before
 * `anonymized_until` are cut already, so each run reads only the clicks that came of age since the last one.
 */
export const clickRetentionState = pgTable('click_retention_state', {
  id: smallint('id').primaryKey(),
  anonymized_until: timestamp('anonymized_until'),
})
