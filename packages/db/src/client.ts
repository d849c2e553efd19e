import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from './schema/index.js'

/** A pooled postgres.js client wrapped by drizzle. No connection is opened until the first query. */
export const createDb = (url: string, max = 10) =>
  drizzle({ client: postgres(url, { max, onnotice: () => {}, connect_timeout: 5, connection: { TimeZone: 'UTC' } }), schema })

export type Db = ReturnType<typeof createDb>

export const closeDb = (db: Db) => db.$client.end({ timeout: 5 })

/** True when the database answers `SELECT 1`. */
export async function pingDb(db: Db): Promise<boolean> {
  try {
    await db.$client`select 1`
    return true
  } catch {
    return false
  }
}
