import { type Db, requestFingerprints as rf } from '@ghostlink/db'
import { and, desc, gte, isNotNull, sql } from 'drizzle-orm'
import { type ClientCounts, clientScore, THRESHOLDS } from './client-score.js'

export const WINDOW_MINUTES = 30
const TOP = 10
const UA_LABEL_CHARS = 180
const REPEATED_UA_HITS = 25

export type SuspiciousClients = {
  suspicious_clients: number
  top_ips: Array<{ ip: string; score: number }>
  top_user_agents: Array<{ user_agent: string; hits: number }>
  repeated_user_agent_hits: number
  top_probed_codes: Array<{ short_code: string; hits: number }>
}

/**
 * docs/CONTRACT.md#c-4-4 over the redirect tier's fingerprints in a sliding 30-minute window. A "ghost hit" is a dead-link
 * hit (404/410, is_dead_link): the original's is_ghost_probe flag is never set any more (docs/CONTRACT.md#c-11-2-11), and the
 * glossary defines a ghost probe as a hit on a dead link. Only IPs over a threshold leave the database.
 */
export async function computeSuspiciousClients(db: Db, now = new Date()): Promise<SuspiciousClients> {
  const since = new Date(now.getTime() - WINDOW_MINUTES * 60_000)
  const inWindow = gte(rf.created_at, since)
  const invalid = sql<number>`count(*) filter (where ${rf.is_invalid_short_code})::int`
  const ghost = sql<number>`count(*) filter (where ${rf.is_dead_link})::int`
  const requests = sql<number>`count(*)::int`
  const blocked = sql<number>`count(*) filter (where ${rf.is_quarantined})::int`

  const ips = await db
    .select({ ip: rf.client_ip, invalid_hits: invalid, ghost_hits: ghost, request_count: requests, blocked_hits: blocked })
    .from(rf)
    .where(and(inWindow, isNotNull(rf.client_ip)))
    .groupBy(rf.client_ip)
    .having(
      sql`${invalid} >= ${THRESHOLDS.invalid} or ${ghost} >= ${THRESHOLDS.ghost} or ${requests} >= ${THRESHOLDS.requests} or ${blocked} >= ${THRESHOLDS.blocked}`,
    )
  const scored = ips
    .map((r) => ({ ip: r.ip!, score: clientScore(r as ClientCounts) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.ip.localeCompare(b.ip))

  const ua = sql<string>`left(${rf.user_agent}, ${sql.raw(String(UA_LABEL_CHARS))})`
  const hits = sql<number>`count(*)::int`
  const deadInWindow = and(inWindow, sql`${rf.is_dead_link}`)
  const uaRows = await db
    .select({ user_agent: ua, hits })
    .from(rf)
    .where(and(deadInWindow, isNotNull(rf.user_agent)))
    .groupBy(ua)
    .orderBy(desc(hits), ua)
    .limit(TOP)
  const repeated = db
    .select({ hits: sql<number>`count(*)::int`.as('hits') })
    .from(rf)
    .where(and(deadInWindow, isNotNull(rf.user_agent)))
    .groupBy(ua)
    .having(sql`count(*) >= ${REPEATED_UA_HITS}`)
    .as('repeated')
  const [repeatedSum] = await db.select({ total: sql<number>`coalesce(sum(${repeated.hits}), 0)::int` }).from(repeated)
  const codes = await db
    .select({ short_code: rf.short_code, hits })
    .from(rf)
    .where(and(deadInWindow, isNotNull(rf.short_code)))
    .groupBy(rf.short_code)
    .orderBy(desc(hits), rf.short_code)
    .limit(TOP)

  return {
    suspicious_clients: scored.length,
    top_ips: scored.slice(0, TOP),
    top_user_agents: uaRows,
    repeated_user_agent_hits: repeatedSum?.total ?? 0,
    top_probed_codes: codes.map((c) => ({ short_code: c.short_code!, hits: c.hits })),
  }
}
