import { type Db, type NewEvent, type NewRequestFingerprint, urls, users } from '@ghostlink/db'
import { inArray } from 'drizzle-orm'
import { Click, type ClickBatch, type ClickRecord } from './click-record.js'

const cut = (s: string | null, max: number) => (s === null ? null : s.length > max ? s.slice(0, max) : s)

const toEvent = (r: ClickRecord): NewEvent => ({
  url_id: r[Click.urlId]!,
  user_id: r[Click.userId],
  event_type: 'redirect',
  referrer: cut(r[Click.referrer], 2048),
  timestamp: new Date(r[Click.at]),
  details: { short_code: r[Click.code], client_ip: r[Click.ip], user_agent: r[Click.ua] },
})

// original §2 request_fingerprints: user agent truncated to 512; dead link = 404 or 410 (a recorded 404 is an
// unknown code, a recorded 410 a quarantined one: inactive-link 410s are never recorded)
const toFingerprint = (r: ClickRecord): NewRequestFingerprint => ({
  short_code: cut(r[Click.code], 64),
  client_ip: cut(r[Click.ip], 64),
  user_agent: cut(r[Click.ua], 512),
  status_code: r[Click.status],
  is_invalid_short_code: r[Click.status] === 404,
  is_quarantined: r[Click.status] === 410,
  is_dead_link: r[Click.status] !== 302,
  created_at: new Date(r[Click.at]),
})

/**
 * Writes click batches in one transaction (all or nothing, so the caller can ack or retry them together). Each
 * batch id is claimed in `click_batches` first; a batch already written is skipped, which makes every redelivery
 * harmless. A link or owner deleted since the click would fail the foreign keys (23503): such events are dropped /
 * unowned and the write retried once, so one deleted link cannot block the pipeline. Returns the records written.
 */
export async function insertClicks(db: Db, batches: ClickBatch[]): Promise<number> {
  if (batches.length === 0) return 0
  try {
    return await write(db, batches, async (evs) => evs)
  } catch (err) {
    if ((err as { code?: string }).code !== '23503' && (err as { cause?: { code?: string } }).cause?.code !== '23503') throw err
    return write(db, batches, (evs) => withExistingRefs(db, evs))
  }
}

// timestamp without time zone holds UTC (the pool sets TimeZone=UTC): ISO text without the zone suffix
const utc = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '')

/**
 * One INSERT per table whatever the batch size: columns travel as arrays and `unnest` turns them into rows.
 * Cheaper to build and to parse than a multi-row VALUES list (drizzle's builder cost ~20 % of the redirect
 * process's CPU under load, see docs/decisions/2026-11-26-click-insert-unnest.md).
 */
async function write(db: Db, batches: ClickBatch[], keepEvents: (evs: NewEvent[]) => Promise<NewEvent[]>): Promise<number> {
  return db.$client.begin(async (tx) => {
    const claimed = await tx<{ batch_id: string }[]>`insert into click_batches (batch_id)
      select unnest(${tx.array(batches.map((b) => b.id))}::text[]) on conflict do nothing returning batch_id`
    const fresh = new Set(claimed.map((c) => c.batch_id))
    const records = batches.filter((b) => fresh.has(b.id)).flatMap((b) => b.records)
    const evs = await keepEvents(records.filter((r) => r[Click.status] === 302 && r[Click.urlId] !== null).map(toEvent))
    const fps = records.map(toFingerprint)
    if (evs.length > 0) {
      await tx`insert into events (url_id, user_id, event_type, referrer, "timestamp", details)
        select u, o, 'redirect', r, t::timestamp, d::jsonb
        from unnest(${tx.array(evs.map((e) => e.url_id))}::int[], ${tx.array(evs.map((e) => e.user_id ?? null))}::int[],
          ${tx.array(evs.map((e) => e.referrer ?? null))}::text[], ${tx.array(evs.map((e) => utc(e.timestamp!)))}::text[],
          ${tx.array(evs.map((e) => JSON.stringify(e.details)))}::text[]) as x(u, o, r, t, d)`
    }
    if (fps.length > 0) {
      await tx`insert into request_fingerprints
          (short_code, client_ip, user_agent, status_code, is_invalid_short_code, is_quarantined, is_dead_link, created_at)
        select c, i, a, s, inv, q, dead, t::timestamp
        from unnest(${tx.array(fps.map((f) => f.short_code ?? null))}::text[], ${tx.array(fps.map((f) => f.client_ip ?? null))}::text[],
          ${tx.array(fps.map((f) => f.user_agent ?? null))}::text[], ${tx.array(fps.map((f) => f.status_code))}::int[],
          ${tx.array(fps.map((f) => f.is_invalid_short_code ?? false))}::bool[], ${tx.array(fps.map((f) => f.is_quarantined ?? false))}::bool[],
          ${tx.array(fps.map((f) => f.is_dead_link ?? false))}::bool[], ${tx.array(fps.map((f) => utc(f.created_at!)))}::text[])
          as x(c, i, a, s, inv, q, dead, t)`
    }
    return records.length
  })
}

/** Forgets batch ids older than a day: a redelivery comes within minutes (marker TTL, retry grace), never later. */
export async function pruneClickBatches(db: Db): Promise<void> {
  await db.$client`delete from click_batches where inserted_at < now() - interval '1 day'`
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
