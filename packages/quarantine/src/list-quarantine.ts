import { type Db, type QuarantinedCode, quarantinedCodes } from '@ghostlink/db'
import { asc } from 'drizzle-orm'

/** The whole quarantine list, ordered by code (it is small: operators and THREAT links only). */
export const listQuarantine = (db: Db): Promise<QuarantinedCode[]> =>
  db.select().from(quarantinedCodes).orderBy(asc(quarantinedCodes.short_code))
