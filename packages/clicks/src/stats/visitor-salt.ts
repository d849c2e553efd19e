import { randomBytes } from 'node:crypto'
import type { Db } from '@ghostlink/db'
import { countedDays } from './click-rollup.js'

const cached = new WeakMap<Db, Map<string, Buffer>>()

/**
 * The salt of one UTC day (`YYYY-MM-DD`), shared by every writer through click_visitor_salts: the first writer that
 * needs it inserts a random one, the others read that. Fetched outside the click transaction (a rolled-back insert
 * must not leave a salt in this process's cache that the table never kept) and cached per database handle.
 */
export async function visitorSalt(db: Db, day: string): Promise<Buffer> {
  let days = cached.get(db)
  if (!days) {
    days = new Map()
    cached.set(db, days)
  }
  const hit = days.get(day)
  if (hit) return hit
  const sql = db.$client
  await sql`insert into click_visitor_salts (day, salt) values (${day}, ${randomBytes(16)}) on conflict do nothing`
  const [row] = await sql<{ salt: Buffer }[]>`select salt from click_visitor_salts where day = ${day}`
  if (!row) throw new Error(`visitor salt of ${day} vanished`)
  if (days.size > 4) days.clear() // only today's and yesterday's are ever asked for
  days.set(day, row.salt)
  return row.salt
}

/** The salts of the days a batch written now may count (countedDays: today and yesterday), by day. */
export async function saltsOfCountedDays(db: Db): Promise<Map<string, Buffer>> {
  return new Map(await Promise.all(countedDays().map(async (d) => [d, await visitorSalt(db, d)] as const)))
}
