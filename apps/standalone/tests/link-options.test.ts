import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@ghostlink/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { freshEnv, type OneProcess, startOneProcess } from './helpers/one-process.js'

// Issue 14 in the one-process mode (issue 11): each link option end to end through `pnpm start`'s one port, on the
// embedded database with no Redis (the click limit counted through the database's row lock, changes seen through the
// in-process invalidation bus). Issue 15's statistics of the clicks it served, too. The same scenarios run through
// nginx and two replicas in infra/tests/link-options.e2e.test.ts.
type UrlObject = { id: number; short_code: string } & Record<string, unknown>

describe('link options and statistics in the one-process mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-one-process-options-'))
  let gl: OneProcess
  let key: string

  beforeAll(async () => {
    const port = await freePort()
    gl = await startOneProcess(port, freshEnv({ GHOSTLINK_DATA_DIR: join(dir, '.ghostlink'), PORT: String(port) }))
    key = gl.printedKey()!
    expect(key).toMatch(/^gl_/)
  }, 180_000)

  afterAll(async () => {
    await gl?.stop('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })

  async function send(method: string, path: string, body?: object) {
    const res = await fetch(gl.url + path, {
      method,
      redirect: 'manual',
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await res.text()
    return { status: res.status, location: res.headers.get('location'), json: text ? (JSON.parse(text) as unknown) : null }
  }
  const visit = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(gl.url + path, { redirect: 'manual', headers })
    return { status: res.status, location: res.headers.get('location'), text: await res.text() }
  }
  const create = async (opts: object) => {
    const res = await send('POST', '/shorten', { original_url: 'https://example.com/dest?a=1#frag', ...opts })
    expect(res.status, JSON.stringify(res.json)).toBe(201)
    return res.json as UrlObject
  }

  it('redirect_type: the chosen status, and a change is answered at once', async () => {
    const link = await create({ redirect_type: 301 })
    expect((await visit(`/${link.short_code}`)).status).toBe(301)
    expect((await visit(`/r/${link.short_code}`)).status).toBe(301)
    for (const type of [307, 308, 302]) {
      const patched = await send('PATCH', `/urls/${link.id}`, { redirect_type: type })
      expect(patched.json).toMatchObject({ redirect_type: type })
      // one process: the update drops the cached answer before PATCH returns
      expect((await visit(`/${link.short_code}`)).status).toBe(type)
    }
  })

  it('a deactivation, a deletion and a code created after its 404 are answered at once (no stale cached answer)', async () => {
    const off = await create({})
    expect((await visit(`/${off.short_code}`)).status).toBe(302)
    expect((await send('PATCH', `/urls/${off.id}`, { is_active: false })).status).toBe(200)
    expect((await visit(`/${off.short_code}`)).status).toBe(410)
    expect((await send('PATCH', `/urls/${off.id}`, { is_active: true })).status).toBe(200)
    expect((await visit(`/r/${off.short_code}`)).status).toBe(302)
    expect((await send('DELETE', `/urls/${off.id}`)).status).toBe(200)
    expect((await visit(`/r/${off.short_code}`)).status).toBe(410)
    // the unknown code's 404 is cached too; creating it drops that answer
    const code = `late${String(Date.now() % 10_000).padStart(4, '0')}`
    expect((await visit(`/${code}`)).status).toBe(404)
    await create({ short_code: code })
    expect((await visit(`/${code}`)).status).toBe(302)
  })

  it('forward_query: the visitor query is merged, the visitor wins, the fragment stays', async () => {
    const link = await create({ forward_query: true })
    const res = await visit(`/${link.short_code}?a=2&utm_campaign=spring%20sale`)
    expect([res.status, res.location]).toEqual([302, 'https://example.com/dest?a=2&utm_campaign=spring%20sale#frag'])
    expect((await visit(`/${link.short_code}?b=3`)).location).toBe('https://example.com/dest?a=1&b=3#frag')
  })

  it('expires_at: 302 before, 410 Link expired after, listed as expired; a PATCH revives it', async () => {
    const link = await create({ expires_at: new Date(Date.now() + 1_500).toISOString() })
    expect((await visit(`/${link.short_code}`)).status).toBe(302)
    await new Promise((r) => setTimeout(r, 1_600))
    const res = await visit(`/${link.short_code}`)
    expect([res.status, JSON.parse(res.text)]).toEqual([410, { error: 'Link expired', code: 410 }])
    const listed = (await send('GET', '/urls?state=expired')).json as UrlObject[]
    expect(listed.map((u) => u.id)).toEqual([link.id])
    await send('PATCH', `/urls/${link.id}`, { expires_at: null })
    expect((await visit(`/${link.short_code}`)).status).toBe(302)
  })

  it('max_clicks: 120 concurrent requests serve exactly max_clicks redirects, exactly recorded; a raised limit lets the difference through', async () => {
    const link = await create({ max_clicks: 9 })
    const answers = await Promise.all(Array.from({ length: 120 }, () => visit(`/${link.short_code}`)))
    expect([answers.filter((a) => a.status === 302).length, answers.filter((a) => a.status === 410).length]).toEqual([9, 111])
    expect(JSON.parse(answers.find((a) => a.status === 410)!.text)).toEqual({ error: 'Click limit reached', code: 410 })
    await vi.waitFor(async () => expect(((await send('GET', '/urls?state=exhausted')).json as UrlObject[]).map((u) => u.id)).toContain(link.id), {
      timeout: 10_000,
      interval: 100,
    })
    expect((await send('GET', `/events?url_id=${link.id}&event_type=redirect`)).json as unknown[]).toHaveLength(9)
    await send('PATCH', `/urls/${link.id}`, { max_clicks: 11 })
    const more = await Promise.all(Array.from({ length: 20 }, () => visit(`/${link.short_code}`)))
    expect(more.filter((a) => a.status === 302)).toHaveLength(2)
  }, 60_000)

  it('statistics count the clicks it served: people and bots apart, browsers, referrers, unique visitors', async () => {
    const link = await create({})
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
    const bot = 'Googlebot/2.1 (+http://www.google.com/bot.html)'
    for (let i = 0; i < 3; i++) expect((await visit(`/${link.short_code}`, { 'user-agent': firefox, referer: 'https://news.example/a' })).status).toBe(302)
    for (let i = 0; i < 2; i++) expect((await visit(`/${link.short_code}`, { 'user-agent': bot })).status).toBe(302)
    // clicks reach the database through the batched writer (no stream here): within a flush interval or two
    type Stats = { total: number; humans: number; bots: number; unique_visitors: number; referrers: Array<{ host: string; clicks: number }>; browsers: Array<{ name: string; clicks: number }> }
    await vi.waitFor(async () => expect(((await send('GET', `/urls/${link.id}/stats`)).json as Stats).total).toBe(5), { timeout: 10_000, interval: 100 })
    const stats = (await send('GET', `/urls/${link.id}/stats`)).json as Stats
    expect({ total: stats.total, humans: stats.humans, bots: stats.bots }).toEqual({ total: 5, humans: 3, bots: 2 })
    // distinct human visitors: the same address and user agent on one day is one; bots are not visitors
    expect(stats.unique_visitors).toBe(1)
    expect(stats.referrers).toEqual(expect.arrayContaining([{ host: 'news.example', clicks: 3 }, { host: 'direct', clicks: 2 }]))
    expect(stats.browsers).toEqual(expect.arrayContaining([{ name: 'Firefox', clicks: 3 }]))
  }, 30_000)
})
