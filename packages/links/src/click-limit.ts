import type { Db } from '@ghostlink/db'
import { invalidateLink, isReady, redisKeys } from '@ghostlink/redis'
import type { Redis } from 'ioredis'
import type { FoundLink } from './link-answer.js'

// One atomic step per click: the counter starts from the larger of its value and the database's record (ARGV[2]),
// and takes a click only below the limit, so a refused click never moves it (raising max_clicks later frees exactly
// the difference).
const TAKE = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local seed = tonumber(ARGV[2])
if seed > n then n = seed end
if n >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], n + 1)
return 1`

// Raises the counter to the database's record (never lowers it): after clicks were served through Postgres.
const LIFT = `
local seed = tonumber(ARGV[1])
if seed > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], seed) end
return 1`

type Take = (key: string, max: number, seed: number) => Promise<number>
type Lift = (key: string, seed: number) => Promise<number>

/** The click being taken, for the database path, which records it itself. */
export type LimitedClick = { code: string; ip: string; ua: string; referrer: string | null }

/**
 * 'counted': served, the caller records the click as usual. 'recorded': served, and the click is already written
 * (database path). false: the limit is reached.
 */
export type TakeResult = 'counted' | 'recorded' | false

export type ClickLimiter = { take(link: FoundLink, max: number, click: LimitedClick): Promise<TakeResult> }

/**
 * `max_clicks` counted exactly across replicas (issue 14; docs/decisions/2026-11-27-click-limits.md).
 * Redis up: one EVALSHA on a shared counter, no database round trip. The counter is seeded from the link's
 * recorded redirects (`options.clicks`, read with the answer), never lowered by it.
 * Redis down (not connected, or the command failed): one Postgres transaction locks the link's row, counts its
 * `redirect` events and writes the event and fingerprint itself when below the limit — exact across replicas as
 * well, as every click then goes through that lock. A replica that served this way re-seeds the counter from
 * Postgres as soon as Redis is back (and drops the link's cached answers everywhere). Postgres down as well: the error propagates (503 upstream):
 * without either store a limit cannot be kept.
 * No Redis at all (`redis` undefined, one process): every limited click takes the database path; the row lock keeps
 * concurrent requests of the process exact too.
 */
export function createClickLimiter(opts: { db: Db; redis: Redis | undefined; prefix: string }): ClickLimiter {
  const keys = redisKeys(opts.prefix)
  let take: Take | undefined
  let lift: Lift | undefined
  // links this replica served through Postgres (id → code): their counter and cached answers are behind the record
  const reseed = new Map<number, string>()
  const redis = opts.redis
  if (redis) {
    redis.defineCommand('glTakeClick', { numberOfKeys: 1, lua: TAKE })
    redis.defineCommand('glLiftClicks', { numberOfKeys: 1, lua: LIFT })
    take = (redis as unknown as { glTakeClick: Take }).glTakeClick.bind(redis)
    lift = (redis as unknown as { glLiftClicks: Lift }).glLiftClicks.bind(redis)
    // Redis is back: lift every counter this replica fell behind on and drop the links' cached answers, so the
    // other replicas read a fresh seed too
    redis.on('ready', () => {
      for (const [id, code] of reseed) void catchUp(id, code).catch(() => {})
    })
  }

  async function catchUp(id: number, code: string): Promise<void> {
    await lift!(keys.linkClicks(id), await recordedClicks(opts.db, id))
    reseed.delete(id)
    await invalidateLink(redis, opts.prefix, code)
  }

  async function viaRedis(link: FoundLink, max: number, code: string): Promise<boolean> {
    if (reseed.has(link.id)) await catchUp(link.id, code)
    return (await take!(keys.linkClicks(link.id), max, link.options?.clicks ?? 0)) === 1
  }

  return {
    async take(link, max, click) {
      if (take !== undefined && isReady(opts.redis)) {
        try {
          return (await viaRedis(link, max, click.code)) ? 'counted' : false
        } catch {
          // fall through to Postgres: the script either ran or not, and the database path counts what is recorded
        }
      }
      const served = await takeInPostgres(opts.db, link, max, click)
      // without Redis (one process) there is no counter to catch up
      if (served && redis) reseed.set(link.id, click.code)
      return served ? 'recorded' : false
    },
  }
}

async function recordedClicks(db: Db, urlId: number): Promise<number> {
  const [row] = await db.$client<{ n: number }[]>`
    select count(*)::int as n from events where event_type = 'redirect' and url_id = ${urlId}`
  return row?.n ?? 0
}

/** The database path: the row lock orders concurrent takes on one link across replicas. */
async function takeInPostgres(db: Db, link: FoundLink, max: number, click: LimitedClick): Promise<boolean> {
  return db.$client.begin(async (tx) => {
    // the locked row, not the cached link, names the owner: events has no foreign keys (packages/db/src/schema/events.ts),
    // and a user deleted meanwhile has already been unset here; a link deleted meanwhile takes no click
    const [locked] = await tx<{ max_clicks: number | null; user_id: number | null }[]>`
      select max_clicks, user_id from urls where id = ${link.id} for update`
    if (!locked) return false
    const limit = locked.max_clicks ?? max
    const [row] = await tx<{ n: number }[]>`
      select count(*)::int as n from events where event_type = 'redirect' and url_id = ${link.id}`
    if ((row?.n ?? 0) >= limit) return false
    // the same rows the click writer makes of a 302 (packages/clicks/src/insert-clicks.ts)
    await tx`insert into events (url_id, user_id, event_type, "timestamp", referrer, details)
      values (${link.id}, ${locked.user_id}, 'redirect', (now() at time zone 'utc'), ${click.referrer === null ? null : [...click.referrer].slice(0, 2048).join('')},
        jsonb_build_object('short_code', ${click.code}::text, 'client_ip', ${click.ip}::text, 'user_agent', ${click.ua}::text))`
    await tx`insert into request_fingerprints (short_code, client_ip, user_agent, status_code, is_dead_link, created_at)
      values (${click.code}, ${click.ip.slice(0, 64)}, ${[...click.ua].slice(0, 512).join('')}, 302, false,
        (now() at time zone 'utc'))`
    return true
  })
}
