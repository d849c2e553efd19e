// Page-load times of the dashboard with 10,000 links in the account (issue 16: under 300 ms on this machine).
//   pnpm bench:web [links]      (pnpm --filter @ghostlink/web bench)
// A fresh database gets one account with N links (default 10,000), 5,000 links of another user, risk scores for
// every link and 100,000 redirect events over the last 7 days. The API and the web app run as processes, as in
// production; each page is requested in interleaved rounds (so machine load hits every page alike), over a session
// of that account, and the time to the last byte of the HTML is reported (median, p95, max).
import { randomBytes } from 'node:crypto'
import { riskScores, urls, users } from '@ghostlink/db'
import { createTestEnv, freePort, TEST_REDIS_URL } from '@ghostlink/testing'
import { sql } from 'drizzle-orm'
import { newToken } from '../src/session/session-plugin.js'
import { RedisSessionStore } from '../src/session/session-store.js'
import { startApp } from '../tests/helpers/processes.js'

const LINKS = Number(process.argv[2] ?? 10_000)
const ROUNDS = 40
const WARMUP = 5

const env = await createTestEnv({ name: 'bench-web', poolMax: 4 })
const stops: Array<() => Promise<void>> = []
try {
  const [owner, other] = await env.db
    .insert(users)
    .values([
      { username: 'bench', email: 'bench@example.com' },
      { username: 'other', email: 'other@example.com' },
    ])
    .returning({ id: users.id })
  const seed = async (userId: number, n: number, tag: string) => {
    for (let start = 0; start < n; start += 1000) {
      const rows = Array.from({ length: Math.min(1000, n - start) }, (_, k) => {
        const i = start + k
        return {
          user_id: userId,
          short_code: `${tag}${i.toString(36)}`,
          original_url: `https://${i % 7 === 0 ? 'promo' : 'shop'}.example.com/${tag}/item/${i}?ref=campaign${i % 13}`,
          title: i % 3 === 0 ? `Campaign ${i}` : null,
          is_active: i % 10 !== 0,
        }
      })
      const ids = await env.db.insert(urls).values(rows).returning({ id: urls.id })
      await env.db.insert(riskScores).values(
        ids.map((r, k) => ({
          url_id: r.id,
          score: (k * 7) % 100,
          tier: k % 3 === 0 ? ('WATCHLIST' as const) : ('SAFE' as const),
          signals: { create_count: 1 },
        })),
      )
    }
  }
  await seed(owner!.id, LINKS, 'b')
  await seed(other!.id, 5_000, 'o')
  // 100,000 clicks of the last 7 days in the hourly rollups (issue 15) the list and the link page read, spread
  // over the account's links
  await env.db.execute(sql`
    insert into click_stats_hourly (url_id, hour, clicks, humans, bots)
    select u.id, date_trunc('hour', now() at time zone 'utc') - (g % 168) * interval '1 hour', 10, 8, 2
    from generate_series(1, 10000) g
    join urls u on u.short_code = 'b' || to_char(g % ${LINKS}, 'FM999999')
    on conflict do nothing
  `)
  await env.db.execute(sql`analyze`)

  const [apiPort, webPort] = [await freePort(), await freePort()]
  const adminKey = `gl_${randomBytes(24).toString('base64url')}`
  const common = {
    DATABASE_URL: env.dbUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: env.prefix,
    GHOSTLINK_ADMIN_KEY: adminKey,
    LOG_LEVEL: 'warn',
  }
  const apiProc = await startApp('api', 'api', apiPort, { ...common, API_PORT: String(apiPort) })
  stops.push(apiProc.stop)
  const web = await startApp('web', 'web', webPort, { ...common, WEB_PORT: String(webPort), API_URL: apiProc.url })
  stops.push(web.stop)

  // the account's own key (issue 10); in open mode there is none and the session's key is unused
  const made = await fetch(`${apiProc.url}/users/${owner!.id}/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: '{"name":"bench"}',
  })
  const key = made.status === 201 ? ((await made.json()) as { key: string }).key : 'open-mode'
  const sessionId = newToken()
  await new RedisSessionStore(env.redis, env.prefix).set(
    sessionId,
    {
      key,
      csrf: newToken(),
      user: { id: owner!.id, username: 'bench', email: 'bench@example.com' },
      admin: false,
      created_at: new Date().toISOString(),
    },
    3600,
  )
  const [someLink] = await env.db.execute<{ id: number }>(sql`select id from urls where short_code = 'b1' limit 1`)

  const pages: Record<string, string> = {
    'links, page 1': '/app/links',
    'links, search "promo"': '/app/links?q=promo',
    'links, last page': `/app/links?page=${Math.ceil(LINKS / 25)}`,
    'links, inactive only': '/app/links?state=inactive',
    'link page (stats 7 d)': `/app/links/${someLink!.id}`,
    'new link form': '/app/links/new',
  }
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(pages).map((p) => [p, []]))
  const load = async (path: string) => {
    const t0 = performance.now()
    const res = await fetch(web.url + path, { headers: { cookie: `gl_session=${sessionId}` }, redirect: 'manual' })
    const body = await res.text()
    const ms = performance.now() - t0
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`)
    return ms
  }
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    for (const [name, path] of Object.entries(pages)) {
      const ms = await load(path)
      if (r >= WARMUP) times[name]!.push(ms)
    }
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!
  console.log(`dashboard page loads, ${LINKS} links in the account (+5,000 of another user, 100,000 clicks in rollups), ${ROUNDS} rounds`)
  console.log('page'.padEnd(26), 'median ms'.padStart(10), 'p95 ms'.padStart(8), 'max ms'.padStart(8))
  for (const [name, xs] of Object.entries(times)) {
    console.log(
      name.padEnd(26),
      pct(xs, 50).toFixed(1).padStart(10),
      pct(xs, 95).toFixed(1).padStart(8),
      Math.max(...xs)
        .toFixed(1)
        .padStart(8),
    )
  }
} finally {
  for (const stop of stops.reverse()) await stop()
  await env.close()
}
