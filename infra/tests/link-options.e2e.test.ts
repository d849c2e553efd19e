// End to end for the per-link options (issue 14): real nginx in front of two redirect processes and the API, all
// from source, on a fresh database and Redis prefix. The one-process mode: apps/standalone/tests/link-options.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { AppProcess } from './helpers/app-process.js'
import type { EdgeNginx } from './helpers/nginx.js'
import { type Platform, startPlatform } from './helpers/platform.js'
import { ADMIN } from './helpers/admin-key.js'

type UrlObject = { id: number; short_code: string } & Record<string, unknown>

describe('link options through the edge, two replicas', () => {
  let platform: Platform
  let edge: EdgeNginx
  let r1: AppProcess
  let r2: AppProcess
  let owner: number

  beforeAll(async () => {
    // a long local TTL: an option change must reach the replicas through invalidation, not expiry
    platform = await startPlatform({ env: () => ({ LOCAL_CACHE_TTL_MS: '60000' }) })
    ;({ edge, r1, r2 } = platform)
    const user = await send('POST', '/users', { username: 'opt', email: 'opt@example.com' })
    owner = (user.json as { id: number }).id
  }, 120_000)

  afterAll(() => platform?.stop(), 60_000)

  async function send(method: string, path: string, body?: object) {
    const res = await fetch(edge.url + path, {
      method,
      redirect: 'manual',
      headers: body ? { ...ADMIN, 'content-type': 'application/json' } : ADMIN,
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await res.text()
    return { status: res.status, location: res.headers.get('location'), json: text ? (JSON.parse(text) as unknown) : null }
  }
  const create = async (opts: object) => {
    const res = await send('POST', '/urls', { original_url: 'https://example.com/dest?a=1#frag', user_id: owner, ...opts })
    expect(res.status, JSON.stringify(res.json)).toBe(201)
    return res.json as UrlObject
  }
  const direct = async (base: string, path: string) => {
    const res = await fetch(base + path, { redirect: 'manual' })
    return { status: res.status, location: res.headers.get('location'), text: await res.text() }
  }

  it('redirect_type: every replica answers the chosen status, and a change reaches both within a second', async () => {
    const link = await create({ redirect_type: 301 })
    for (const base of [r1.url, r2.url]) expect((await direct(base, `/${link.short_code}`)).status).toBe(301)
    for (let i = 0; i < 4; i++) expect((await send('GET', `/r/${link.short_code}`)).status).toBe(301)
    const patched = await send('PATCH', `/urls/${link.id}`, { redirect_type: 307 })
    expect(patched.json).toMatchObject({ redirect_type: 307 })
    const since = Date.now()
    for (const base of [r1.url, r2.url]) {
      await vi.waitFor(async () => expect(await (async () => (await direct(base, `/${link.short_code}`)).status === 307)(), 'the new redirect type').toBe(true), { timeout: 2_000, interval: 100 })
    }
    expect(Date.now() - since).toBeLessThan(1_000)
    await send('PATCH', `/urls/${link.id}`, { redirect_type: 308 })
    await vi.waitFor(async () => expect(await (async () => (await direct(r1.url, `/${link.short_code}`)).status === 308)(), '308').toBe(true), { timeout: 2_000, interval: 100 })
  })

  it('forward_query: the visitor query is merged on both replicas', async () => {
    const link = await create({ forward_query: true })
    for (const base of [r1.url, r2.url]) {
      const res = await direct(base, `/${link.short_code}?a=2&utm_campaign=spring%20sale`)
      expect([res.status, res.location]).toEqual([302, 'https://example.com/dest?a=2&utm_campaign=spring%20sale#frag'])
    }
    const viaEdge = await send('GET', `/${link.short_code}?b=3`)
    expect(viaEdge.location).toBe('https://example.com/dest?a=1&b=3#frag')
  })

  it('expires_at: 302 before, 410 Link expired after, on both replicas; listed as expired', async () => {
    const link = await create({ expires_at: new Date(Date.now() + 1_500).toISOString() })
    for (const base of [r1.url, r2.url]) expect((await direct(base, `/${link.short_code}`)).status).toBe(302)
    await new Promise((r) => setTimeout(r, 1_600))
    for (const base of [r1.url, r2.url]) {
      const res = await direct(base, `/${link.short_code}`)
      expect([res.status, JSON.parse(res.text)]).toEqual([410, { error: 'Link expired', code: 410 }])
    }
    const listed = (await send('GET', '/urls?state=expired')).json as UrlObject[]
    expect(listed.map((u) => u.id)).toEqual([link.id])
    // and a later expiry set by PATCH revives it everywhere
    await send('PATCH', `/urls/${link.id}`, { expires_at: null })
    for (const base of [r1.url, r2.url]) await vi.waitFor(async () => expect(await (async () => (await direct(base, `/${link.short_code}`)).status === 302)(), 'revived').toBe(true), { timeout: 1_000, interval: 100 })
  })

  it('max_clicks: 200 concurrent requests through the edge serve exactly max_clicks redirects across both replicas', async () => {
    const link = await create({ max_clicks: 25 })
    const answers = await Promise.all(Array.from({ length: 200 }, () => send('GET', `/${link.short_code}`)))
    const ok = answers.filter((a) => a.status === 302)
    const refused = answers.filter((a) => a.status === 410)
    expect([ok.length, refused.length]).toEqual([25, 175])
    expect(refused[0]!.json).toEqual({ error: 'Click limit reached', code: 410 })
    // both replicas took part
    const upstreams = edge
      .accessLog()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { request: string; upstream_addr: string })
      .filter((l) => l.request === `GET /${link.short_code} HTTP/1.1`)
      .map((l) => l.upstream_addr)
    expect(new Set(upstreams)).toEqual(new Set([r1.url.slice(7), r2.url.slice(7)]))
    // the record: 25 redirect events, and the link is listed as exhausted once they are written
    await vi.waitFor(async () => expect(await (async () =>
      ((await send('GET', '/urls?state=exhausted')).json as UrlObject[]).some((u) => u.id === link.id))(), 'exhausted in the list').toBe(true), { timeout: 20_000, interval: 100 })
    const stats = (await send('GET', `/events?url_id=${link.id}&event_type=redirect`)).json as unknown[]
    expect(stats).toHaveLength(25)
    // raising the limit lets exactly the difference through
    await send('PATCH', `/urls/${link.id}`, { max_clicks: 27 })
    await vi.waitFor(async () => expect(await (async () => (await direct(r1.url, `/${link.short_code}`)).status === 302)(), 'raised limit').toBe(true), { timeout: 2_000, interval: 100 })
    const more = await Promise.all(Array.from({ length: 10 }, () => send('GET', `/${link.short_code}`)))
    expect(more.filter((a) => a.status === 302)).toHaveLength(1)
  }, 60_000)
})
