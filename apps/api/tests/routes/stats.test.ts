import { insertClicks } from '@ghostlink/clicks'
import type { ClickRecord } from '@ghostlink/clicks'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, type Db, urls, users } from '@ghostlink/db'
import { createApiMetrics } from '@ghostlink/metrics'
import { createTestDatabase, type TestDatabase } from '@ghostlink/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../../src/app.js'
import { fastifyOptions } from '../../src/fastify-options.js'
import { ADMIN_KEY, bearer } from '../helpers/auth.js'

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0'
const BOT = 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'
const DAY = 86_400_000
const today = Math.floor(Date.now() / DAY) * DAY
const iso = (ms: number) => new Date(ms).toISOString()

// The API without Redis, in token mode: the admin key reads everything, the owner's own key its /users/me/stats.
const ADMIN = bearer(ADMIN_KEY)
describe('stats routes', () => {
  let tdb: TestDatabase
  let db: Db
  let app: FastifyInstance
  let owner: number
  let link: number
  beforeAll(async () => {
    tdb = await createTestDatabase()
    const config = loadConfig({ DATABASE_URL: tdb.url, LOG_LEVEL: 'silent', AUTH_MODE: 'token', GHOSTLINK_ADMIN_KEY: ADMIN_KEY })
    db = createDb(config.databaseUrl, 4)
    app = Fastify({ ...fastifyOptions(config), logger: false })
    await app.register(api, { config, db, metrics: createApiMetrics(config.release, config.flags) })
    await app.ready()
    const [u] = await db.insert(users).values({ username: 'st', email: 'st@example.com' }).returning({ id: users.id })
    owner = u!.id
    const [l] = await db.insert(urls).values({ short_code: 'st1', original_url: 'https://example.com/st1', user_id: owner }).returning({ id: urls.id })
    link = l!.id
    const at = today + 6 * 3_600_000
    const records: ClickRecord[] = [
      [at, 'st1', 302, '192.0.2.10', FIREFOX, 'https://www.reddit.com/r/x', link, owner],
      [at + 1, 'st1', 302, '192.0.2.11', FIREFOX, null, link, owner],
      [at + 2, 'st1', 302, '192.0.2.12', BOT, null, link, owner],
      [at - DAY, 'st1', 302, '192.0.2.10', FIREFOX, null, link, owner],
    ]
    await insertClicks(db, [{ id: 'routes:1', records }])
  })
  afterAll(async () => {
    await app.close()
    await closeDb(db)
    await tdb.drop()
  })

  it('GET /urls/:id/stats answers the last 30 days by day', async () => {
    const res = await app.inject({ url: `/urls/${link}/stats`, headers: ADMIN })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ url_id: link, interval: 'day', from: iso(today - 29 * DAY), to: iso(today + DAY) })
    expect(body).toMatchObject({ total: 4, humans: 3, bots: 1, unique_visitors: 3 })
    expect(body.series).toHaveLength(30)
    expect(body.series[28]).toEqual({ t: iso(today - DAY), clicks: 1, humans: 1, bots: 0 })
    expect(body.series[29]).toEqual({ t: iso(today), clicks: 3, humans: 2, bots: 1 })
    expect(body.referrers).toEqual([
      { host: 'direct', clicks: 3 },
      { host: 'reddit.com', clicks: 1 },
    ])
    expect(body.browsers).toEqual([
      { name: 'Firefox', clicks: 3 },
      { name: 'unknown', clicks: 1 },
    ])
    expect(body.os).toEqual([
      { name: 'Linux', clicks: 3 },
      { name: 'unknown', clicks: 1 },
    ])
    expect(body.devices).toEqual([
      { type: 'desktop', clicks: 3 },
      { type: 'bot', clicks: 1 },
    ])
  })

  it('by the hour over a given window', async () => {
    const res = await app.inject({ url: `/urls/${link}/stats?interval=hour&from=${iso(today + 5 * 3_600_000)}&to=${iso(today + 7 * 3_600_000)}`, headers: ADMIN })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      total: 3,
      series: [
        { t: iso(today + 5 * 3_600_000), clicks: 0, humans: 0, bots: 0 },
        { t: iso(today + 6 * 3_600_000), clicks: 3, humans: 2, bots: 1 },
      ],
    })
  })

  it('refuses a bad query with a 400 and an unknown link or user with a 404', async () => {
    for (const [q, error] of [
      ['interval=week', "interval must be 'hour' or 'day'"],
      ['from=yesterday', 'from must be an ISO 8601 date or date-time'],
      ['to=2026-02-30', 'to must be an ISO 8601 date or date-time'],
      ['from=2026-01-02&to=2026-01-01', 'from must be before to'],
      ['from=2020-01-01&to=2026-01-01&interval=hour', 'at most 2232 hours per query'],
      ['from=2026-01-01&from=2026-01-02', 'from must be an ISO 8601 date or date-time'],
    ]) {
      const res = await app.inject({ url: `/urls/${link}/stats?${q}`, headers: ADMIN })
      expect(res.statusCode, q).toBe(400)
      expect(res.json()).toEqual({ error, code: 400 })
    }
    for (const path of ['/urls/999999/stats', '/urls/abc/stats', '/users/999999/stats', '/users/x/stats']) {
      const res = await app.inject({ url: path, headers: ADMIN })
      expect(res.statusCode, path).toBe(404)
      expect(res.json()).toEqual({ error: 'Not found', code: 404 })
    }
  })

  it('GET /stats and GET /users/:id/stats add the top links; /users/me/stats needs a signed-in caller', async () => {
    const all = (await app.inject({ url: '/stats', headers: ADMIN })).json()
    expect(all).toMatchObject({ total: 4, humans: 3, bots: 1, unique_visitors: 3, links: [{ url_id: link, short_code: 'st1', clicks: 4 }] })
    const mine = (await app.inject({ url: `/users/${owner}/stats`, headers: ADMIN })).json()
    expect(mine).toMatchObject({ user_id: owner, total: 4, links: [{ url_id: link, short_code: 'st1', clicks: 4 }] })
    const key = (await app.inject({ method: 'POST', url: `/users/${owner}/keys`, headers: ADMIN })).json().key as string
    const me = await app.inject({ url: '/users/me/stats', headers: { authorization: `Bearer ${key}` } })
    expect(me.json()).toEqual(mine)
    const anonymous = await app.inject('/users/me/stats')
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json()).toEqual({ error: 'Unauthorized', code: 401 })
  })
})
