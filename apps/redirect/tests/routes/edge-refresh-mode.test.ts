import { events, quarantinedCodes, requestFingerprints, urls, users } from '@ghostlink/db'
import { eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildService, createTestEnv, quiesce, type TestEnv, type TestService } from '../helpers/build-service.js'

const REFRESH = { 'x-ghostlink-edge-refresh': '1' }
const QUARANTINED = 'This short code has been quarantined due to suspicious activity'

/**
 * The replica's side of the edge refresh (routes/refresh-answer.ts): what a request with X-GhostLink-Edge-Refresh: 1
 * is answered, that it records nothing, and that it reads Postgres; plus the headers every answer gives the edge.
 */
describe('edge refresh mode on /:code and /r/:code', () => {
  let env: TestEnv
  let svc: TestService
  let ownerId: number
  const ids: Record<string, number> = {}

  beforeAll(async () => {
    env = await createTestEnv()
    const [owner] = await env.db.insert(users).values({ username: 'o', email: 'o@example.com' }).returning()
    ownerId = owner!.id
    const hour = 3_600_000
    const rows = await env.db
      .insert(urls)
      .values([
        { short_code: 'rplain', original_url: 'https://example.com/plain?a=1', user_id: ownerId },
        { short_code: 'rgone', original_url: 'https://example.com/gone', is_active: false },
        { short_code: 'rquar', original_url: 'https://example.com/bad' },
        { short_code: 'rfwd', original_url: 'https://example.com/fwd?a=1', forward_query: true },
        { short_code: 'rmax', original_url: 'https://example.com/max', max_clicks: 1 },
        { short_code: 'rmaxed', original_url: 'https://example.com/maxed', max_clicks: 1 },
        { short_code: 'rpast', original_url: 'https://example.com/past', expires_at: new Date(Date.now() - 60_000) },
        { short_code: 'rfut', original_url: 'https://example.com/fut', expires_at: new Date(Date.now() + hour) },
        { short_code: 'rperm', original_url: 'https://example.com/perm', redirect_type: 301, expires_at: new Date(Date.now() + hour) },
        { short_code: 'rstale', original_url: 'https://example.com/stale' },
        { short_code: 'rvisit', original_url: 'https://example.com/visit' },
      ])
      .returning()
    for (const r of rows) ids[r.short_code] = r.id
    // rmaxed's one allowed click is already recorded
    await env.db.insert(events).values({ url_id: ids.rmaxed!, event_type: 'redirect' })
    await env.db.insert(quarantinedCodes).values([
      { short_code: 'rquar', actor: 't' },
      { short_code: 'rnoq', actor: 't' },
    ])
    // a long local copy: a replica that missed an invalidation keeps its old answer that long
    svc = await buildService({ ...env.env, APP_VERSION: 'v9', LOCAL_CACHE_TTL_MS: '60000' })
  })

  afterAll(async () => {
    await svc.close()
    await env.drop()
  })

  const refresh = (path: string) => svc.app.inject({ url: path, headers: REFRESH })
  // labels as given, then the registry's default `service` label
  const sample = async (name: string, labels: string) => {
    const line = (await svc.app.inject('/metrics')).body.split('\n').find((l) => l.startsWith(`${name}{${labels},`))
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  const fingerprinted = async (codes: string[]) =>
    (
      await env.db
        .select({ code: requestFingerprints.short_code })
        .from(requestFingerprints)
        .where(inArray(requestFingerprints.short_code, codes))
    )
      .map((r) => r.code)
      .sort()

  const refusals: [string, string, number, string, string][] = [
    ['an unknown code', '/rnope', 404, 'Not found', '404'],
    ['an inactive link', '/r/rgone', 410, 'Link inactive', '-410'],
    ['a quarantined link', '/rquar', 410, QUARANTINED, '410'],
    ['a quarantined code no link has', '/r/rnoq', 410, QUARANTINED, '410'],
    ['an expired link', '/rpast', 410, 'Link expired', '-410'],
    ['a click limit the database shows reached', '/rmaxed', 410, 'Click limit reached', '-410'],
  ]

  it.each(refusals)('answers %s %i with its click status', async (_, path, status, error, clickStatus) => {
    const res = await refresh(path)
    expect([res.statusCode, res.json()]).toEqual([status, { error, code: status }])
    expect(res.headers['x-ghostlink-click-status']).toBe(clickStatus)
    expect(res.headers['x-ghostlink-version']).toBe('v9')
  })

  it.each(refusals)('a visit to %s gets the same answer and click status', async (_, path, status, error, clickStatus) => {
    const res = await svc.app.inject(path)
    expect([res.statusCode, res.json(), res.headers['x-ghostlink-click-status']]).toEqual([status, { error, code: status }, clickStatus])
  })

  it('answers a plain link with the visit’s 302: location, cache-control, the link ids, no expiry of its own', async () => {
    for (const path of ['/rplain', '/r/rplain']) {
      const [res, visit] = [await refresh(path), await svc.app.inject(path)]
      for (const r of [res, visit]) {
        expect(r.statusCode).toBe(302)
        expect(r.headers).toMatchObject({
          location: 'https://example.com/plain?a=1',
          'cache-control': 'private, max-age=0',
          'x-ghostlink-url-id': String(ids.rplain),
          'x-ghostlink-user-id': String(ownerId),
        })
        expect(r.headers['x-accel-expires']).toBeUndefined()
        expect(r.headers['x-ghostlink-click-status']).toBeUndefined()
      }
    }
  })

  it.each([
    ['forward_query', '/rfwd?b=2', 'https://example.com/fwd?a=1&b=2', '@1', 'stores already expired (every visit reaches a replica)'],
    ['max_clicks not reached', '/rmax', 'https://example.com/max', '@1', 'stores already expired (every visit reaches a replica)'],
    ['a future expiry', '/r/rfut', 'https://example.com/fut', '1', 'keeps one second'],
  ])('answers a link with %s with a 302 the edge %s', async (_, path, location, expires) => {
    const res = await refresh(path)
    expect([res.statusCode, res.headers.location, res.headers['x-accel-expires']]).toEqual([302, location, expires])
    expect(res.headers['x-ghostlink-url-id']).toBeDefined()
  })

  it('answers a 301 as a visit gets it, stored already expired at the edge (it replaces an older 302 there)', async () => {
    const res = await refresh('/rperm')
    expect([res.statusCode, res.headers.location, res.headers['x-accel-expires']]).toEqual([301, 'https://example.com/perm', '@1'])
  })

  it('records nothing and takes no click, where a visit records one', async () => {
    const read = () =>
      Promise.all([
        sample('url_redirects_total', 'app_version="v9",status="302"'),
        sample('url_redirects_total', 'app_version="v9",status="404"'),
        sample('url_redirects_total', 'app_version="v9",status="410"'),
        sample('redirect_edge_refresh_answers_total', 'status="302"'),
      ])
    await quiesce(env)
    await env.db.delete(requestFingerprints)
    await env.db.delete(events).where(eq(events.url_id, ids.rmax!))
    const before = await read()
    const paths = ['/rplain', '/r/rplain', '/rnope', '/rgone', '/rquar', '/rnoq', '/rfwd', '/rmax', '/rmax', '/rpast', '/rfut']
    for (const p of paths) await refresh(p)
    const after = await read()
    // no visit counted; each refresh counted as one
    expect(after.slice(0, 3)).toEqual(before.slice(0, 3))
    expect(after[3]! - before[3]!).toBe(6)
    // the click limit is untouched by two refreshes: the one click is still there for a visitor, then no more
    expect((await svc.app.inject('/rmax')).statusCode).toBe(302)
    expect((await svc.app.inject('/rmax')).statusCode).toBe(410)
    // a visit the same way is recorded: the hand-off works, and carried nothing from the refreshes
    expect((await svc.app.inject('/rvisit')).statusCode).toBe(302)
    await expect.poll(() => fingerprinted(['rvisit']), { timeout: 10_000 }).toEqual(['rvisit'])
    await quiesce(env)
    const refreshed = ['rplain', 'rnope', 'rgone', 'rquar', 'rnoq', 'rfwd', 'rpast', 'rfut']
    expect(await fingerprinted(refreshed)).toEqual([])
    expect(await fingerprinted(['rmax'])).toEqual(['rmax', 'rmax'])
  })

  it('reads Postgres, not the replica’s local copy a missed invalidation left behind', async () => {
    expect((await svc.app.inject('/rstale')).statusCode).toBe(302)
    // deactivated without an invalidation: this replica's LRU still has the active link
    await env.db.update(urls).set({ is_active: false }).where(eq(urls.short_code, 'rstale'))
    const refreshed = await refresh('/rstale')
    expect([refreshed.statusCode, refreshed.json(), refreshed.headers['x-ghostlink-click-status']]).toEqual([
      410,
      { error: 'Link inactive', code: 410 },
      '-410',
    ])
    const visit = await svc.app.inject('/r/rstale')
    expect([visit.statusCode, visit.headers.location]).toEqual([302, 'https://example.com/stale'])
  })

  it('refuses a refresh from a peer that is not a trusted proxy, recording nothing', async () => {
    const res = await svc.app.inject({ url: '/rplain', headers: REFRESH, remoteAddress: '203.0.113.9' })
    expect(res.statusCode).toBe(403)
    expect(res.headers.location).toBeUndefined()
    // without the header the same peer is an ordinary visitor
    expect((await svc.app.inject({ url: '/rplain', remoteAddress: '203.0.113.9' })).statusCode).toBe(302)
  })

  it('ignores the header with another value: an ordinary visit', async () => {
    const res = await svc.app.inject({ url: '/rmaxed', headers: { 'x-ghostlink-edge-refresh': 'yes' } })
    expect([res.statusCode, res.json()]).toEqual([410, { error: 'Click limit reached', code: 410 }])
  })
})

describe('edge expiry of visits’ 302s', () => {
  let env: TestEnv
  let svc: TestService

  beforeAll(async () => {
    env = await createTestEnv()
    const future = new Date(Date.now() + 3_600_000)
    await env.db.insert(urls).values([
      { short_code: 'eplain', original_url: 'https://example.com/p' },
      { short_code: 'efut', original_url: 'https://example.com/f', expires_at: future },
      { short_code: 'efutfwd', original_url: 'https://example.com/ff', expires_at: future, forward_query: true },
      { short_code: 'efutmax', original_url: 'https://example.com/fm', expires_at: future, max_clicks: 10 },
      { short_code: 'efut307', original_url: 'https://example.com/f7', expires_at: future, redirect_type: 307 },
    ])
    svc = await buildService(env.env)
  })

  afterAll(async () => {
    await svc.close()
    await env.drop()
  })

  it.each([
    ['/eplain', 302, undefined],
    ['/efut', 302, '1'],
    ['/r/efut', 302, '1'],
    ['/efutfwd', 302, '0'],
    ['/efutmax', 302, '0'],
    ['/efut307', 307, undefined],
  ])('%s answers %i with x-accel-expires %s', async (path, status, expires) => {
    const res = await svc.app.inject(path)
    expect([res.statusCode, res.headers['x-accel-expires']]).toEqual([status, expires])
  })
})
