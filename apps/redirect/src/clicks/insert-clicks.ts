import { type Db, events, type NewEvent, type NewRequestFingerprint, requestFingerprints, urls, users } from '@ghostlink/db'
import { inArray } from 'drizzle-orm'
import type { ClickRecord } from './click-record.js'

const cut = (s: string | null, max: number) => (s === null ? null : s.length > max ? s.slice(0, max) : s)

const toEvent = (r: ClickRecord): NewEvent => ({
  url_id: r.url_id!,
  user_id: r.user_id,
  event_type: 'redirect',
  referrer: cut(r.referrer, 2048),
  timestamp: new Date(r.at),
  details: { short_code: r.code, client_ip: r.ip, user_agent: r.ua },
})

// original §2 request_fingerprints: user agent truncated to 512; dead link = 404 or 410
const toFingerprint = (r: ClickRecord): NewRequestFingerprint => ({
  short_code: cut(r.code, 64),
  client_ip: cut(r.ip, 64),
  user_agent: cut(r.ua, 512),
  status_code: r.status,
  is_invalid_short_code: r.invalid,
  is_quarantined: r.quarantined,
  is_dead_link: r.status === 404 || r.status === 410,
  created_at: new Date(r.at),
})

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}

/**
 * Inserts a batch with multi-row INSERTs in one transaction (all or nothing, so the caller can ack or retry the
 * whole batch). A link or owner deleted since the click would fail the foreign keys (23503): such events are
 * dropped / unowned and the batch retried once, so one deleted link cannot block the pipeline.
 */
export async function insertClicks(db: Db, records: ClickRecord[], rowsPerInsert: number): Promise<void> {
  if (records.length === 0) return
  const evs = records.filter((r) => r.status === 302 && r.url_id !== null).map(toEvent)
  const fps = records.map(toFingerprint)
  try {
    await write(db, evs, fps, rowsPerInsert)
  } catch (err) {
    if ((err as { code?: string }).code !== '23503' && (err as { cause?: { code?: string } }).cause?.code !== '23503') throw err
    await write(db, await withExistingRefs(db, evs), fps, rowsPerInsert)
  }
}

async function write(db: Db, evs: NewEvent[], fps: NewRequestFingerprint[], rowsPerInsert: number): Promise<void> {
  await db.transaction(async (tx) => {
    for (const part of chunks(evs, rowsPerInsert)) await tx.insert(events).values(part)
    for (const part of chunks(fps, rowsPerInsert)) await tx.insert(requestFingerprints).values(part)
  })
}

async function withExistingRefs(db: Db, evs: NewEvent[]): Promise<NewEvent[]> {
  const urlIds = [...new Set(evs.map((e) => e.url_id))]
  const userIds = [...new Set(evs.map((e) => e.user_id).filter((id): id is number => typeof id === 'number'))]
  const liveUrls = new Set((await db.select({ id: urls.id }).from(urls).where(inArray(urls.id, urlIds))).map((r) => r.id))
  const liveUsers =
    userIds.length === 0 ? new Set<number>() : new Set((await db.select({ id: users.id }).from(users).where(inArray(users.id, userIds))).map((r) => r.id))
  return evs
    .filter((e) => liveUrls.has(e.url_id))
    .map((e) => (e.user_id != null && !liveUsers.has(e.user_id) ? { ...e, user_id: null } : e))
}
