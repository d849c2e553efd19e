import type { Db } from '@ghostlink/db'
import { dayOf } from '../stats/click-rollup.js'
import { anonymizeIp } from './anonymize-ip.js'

const DAY_MS = 86_400_000
/** Rows per statement: each delete or update is a short transaction, never one lock over an hour's clicks. */
const BATCH = 5_000
/** Cut IPs of clicks that arrived this long before the previous run's bound too (late batches, imports). */
const LOOKBACK_MS = 2 * DAY_MS

export type ClickRetentionOptions = {
  /** CLICK_RETENTION_DAYS: 0 keeps raw clicks forever. */
  retentionDays: number
  /** IP_ANONYMIZE_AFTER_DAYS: 0 never cuts addresses. */
  anonymizeAfterDays: number
  now?: number
  batchSize?: number
}

export type ClickRetentionReport = {
  deletedEvents: number
  deletedFingerprints: number
  anonymizedEvents: number
  anonymizedFingerprints: number
  prunedVisitorHashes: number
  prunedSalts: number
}

const utc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')

/**
 * The click-retention job (scheduled hourly by apps/risk, docs/ARCHITECTURE.md "Click statistics"):
 * 1. raw clicks older than CLICK_RETENTION_DAYS are deleted: redirect events and request fingerprints (the rollups
 *    stay, so the statistics keep their history);
 * 2. client IPs older than IP_ANONYMIZE_AFTER_DAYS are cut to /24 or /48, in fingerprints and in the events' details;
 * 3. visitor hashes and salts of days before yesterday are deleted: with the salt gone, no hash can be tied back to
 *    an address (those days' visitor counts are final).
 * Idempotent; each run starts where it must, so a missed run is caught up by the next.
 */
export async function runClickRetention(db: Db, opts: ClickRetentionOptions): Promise<ClickRetentionReport> {
  const now = opts.now ?? Date.now()
  const batch = opts.batchSize ?? BATCH
  const sql = db.$client
  const report: ClickRetentionReport = {
    deletedEvents: 0,
    deletedFingerprints: 0,
    anonymizedEvents: 0,
    anonymizedFingerprints: 0,
    prunedVisitorHashes: 0,
    prunedSalts: 0,
  }

  if (opts.retentionDays > 0) {
    const cutoff = utc(now - opts.retentionDays * DAY_MS)
    report.deletedEvents = await repeat(async () =>
      (await sql`delete from events where id in (
        select id from events where event_type = 'redirect' and "timestamp" < ${cutoff}::timestamp limit ${batch})`).count,
    batch)
    report.deletedFingerprints = await repeat(async () =>
      (await sql`delete from request_fingerprints where id in (
        select id from request_fingerprints where created_at < ${cutoff}::timestamp limit ${batch})`).count,
    batch)
  }

  if (opts.anonymizeAfterDays > 0) {
    const cutoff = now - opts.anonymizeAfterDays * DAY_MS
    const [state] = await sql<{ until: number | null }[]>`
      select (extract(epoch from anonymized_until) * 1000)::float8 as until from click_retention_state where id = 1`
    const from = state?.until ? utc(state.until - LOOKBACK_MS) : '-infinity'
    const to = utc(cutoff)
    report.anonymizedFingerprints = await anonymizeFingerprints(db, from, to, batch)
    report.anonymizedEvents = await anonymizeEvents(db, from, to, batch)
    await sql`insert into click_retention_state (id, anonymized_until) values (1, ${to}::timestamp)
      on conflict (id) do update set anonymized_until = greatest(click_retention_state.anonymized_until, excluded.anonymized_until)`
  }

  const keepFrom = dayOf(now - DAY_MS)
  report.prunedVisitorHashes = (await sql`delete from click_visitor_hashes where day < ${keepFrom}::date`).count
  report.prunedSalts = (await sql`delete from click_visitor_salts where day < ${keepFrom}::date`).count
  return report
}

/** Runs `step` until it handles fewer than `batch` rows; returns the rows handled. */
async function repeat(step: () => Promise<number>, batch: number): Promise<number> {
  let total = 0
  for (;;) {
    const n = await step()
    total += n
    if (n < batch) return total
  }
}

/** Pages through [from, to) by id; each page's changed addresses are written back in one statement. */
async function anonymizeFingerprints(db: Db, from: string, to: string, batch: number): Promise<number> {
  const sql = db.$client
  let last = 0
  let changed = 0
  for (;;) {
    const rows = await sql<{ id: number; ip: string }[]>`
      select id, client_ip as ip from request_fingerprints
      where created_at >= ${from}::timestamp and created_at < ${to}::timestamp and id > ${last} and client_ip is not null
      order by id limit ${batch}`
    if (rows.length === 0) return changed
    last = Number(rows.at(-1)!.id)
    const cut = rows.map((r) => ({ id: Number(r.id), ip: anonymizeIp(r.ip) })).filter((r, i) => r.ip !== rows[i]!.ip)
    if (cut.length > 0) {
      await sql`update request_fingerprints f set client_ip = x.ip
        from unnest(${sql.array(cut.map((c) => c.id), 20)}::int8[], ${sql.array(cut.map((c) => c.ip), 25)}::text[]) as x(id, ip)
        where f.id = x.id`
      changed += cut.length
    }
  }
}

async function anonymizeEvents(db: Db, from: string, to: string, batch: number): Promise<number> {
  const sql = db.$client
  let last = 0
  let changed = 0
  for (;;) {
    const rows = await sql<{ id: number; ip: string | null }[]>`
      select id, details->>'client_ip' as ip from events
      where event_type = 'redirect' and "timestamp" >= ${from}::timestamp and "timestamp" < ${to}::timestamp and id > ${last}
      order by id limit ${batch}`
    if (rows.length === 0) return changed
    last = rows.at(-1)!.id
    const cut = rows
      .filter((r): r is { id: number; ip: string } => typeof r.ip === 'string')
      .map((r) => ({ id: r.id, ip: anonymizeIp(r.ip), was: r.ip }))
      .filter((r) => r.ip !== r.was)
    if (cut.length > 0) {
      await sql`update events e set details = jsonb_set(e.details, '{client_ip}', to_jsonb(x.ip))
        from unnest(${sql.array(cut.map((c) => c.id), 23)}::int[], ${sql.array(cut.map((c) => c.ip), 25)}::text[]) as x(id, ip)
        where e.id = x.id`
      changed += cut.length
    }
  }
}
