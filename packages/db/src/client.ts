import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from './schema/index.js'

/** A pooled postgres.js client wrapped by drizzle. No connection is opened until the first query. */
export const createDb = (url: string, max = 10) =>
  drizzle({ client: postgres(url, { max, onnotice: () => {}, connect_timeout: 5, connection: { TimeZone: 'UTC' } }), schema })

export type Db = ReturnType<typeof createDb>

export const closeDb = (db: Db) => db.$client.end({ timeout: 5 })

/**
 * How long a health or readiness check waits for Postgres. A stopped or unreachable server otherwise holds the check
 * for the pool's connect timeout (5 s) or longer, and load balancers and probes time out before they learn anything.
 */
export const HEALTH_CHECK_TIMEOUT_MS = 1_000

/** True when the database answers `SELECT 1` within `timeoutMs`; false on an error or a timeout. Never throws. */
export async function pingDb(db: Db, timeoutMs = HEALTH_CHECK_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  // the query itself may stay pending until the pool gives up; its late outcome is ignored
  const query = db.$client`select 1`.then(
    () => true,
    () => false,
  )
  try {
    return await Promise.race([query, timeout])
  } finally {
    clearTimeout(timer)
  }
}
