import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ClickBatch, insertClicks } from '@ghostlink/clicks'
import { events, requestFingerprints, urls } from '@ghostlink/db'
import { createTestEnv, type TestEnv } from '@ghostlink/testing'
import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createEdgeLogShipper } from '../src/edge-log-shipper.js'

const UA = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0'

// The edge click log → the click writer's insert → Postgres, with a real Postgres; the log lines are written as
// nginx's ghostlink_click format writes them (infra/tests/edge-cache.e2e.test.ts runs the real nginx).
describe('edge click log shipper', () => {
  let env: TestEnv
  let dir: string
  let urlId: number
  /** the batch ids handed to the insert, repeats included */
  const written: string[] = []
  const write = (batch: ClickBatch) => {
    written.push(batch.id)
    return insertClicks(env.db, [batch])
  }

  beforeAll(async () => {
    env = await createTestEnv({ name: 'edge-log-shipper' })
    dir = mkdtempSync(join(tmpdir(), 'gl-edge-log-'))
    const [row] = await env.db
      .insert(urls)
      .values({ short_code: 'hot1', original_url: 'https://example.com/hot' })
      .returning({ id: urls.id })
    urlId = row!.id
  })
  afterAll(async () => {
    await env.close()
    rmSync(dir, { recursive: true, force: true })
  })

  let seq = 0
  /** n lines as nginx writes them for cache hits on /hot1 (every other one through /r/). */
  const lines = (n: number, ip = '203.0.113.9') =>
    Array.from({ length: n }, () => {
      const i = seq++
      return `${JSON.stringify({ t: 1795787961.5 + i / 1000, u: i % 2 ? '/r/hot1' : '/hot1', s: 302, ip, ua: i % 3 ? UA : '', ref: i % 2 ? 'https://news.example/a' : '', url: String(urlId), own: '' })}\n`
    }).join('')
  const redirects = async () => (await env.db.select({ n: count() }).from(events).where(eq(events.event_type, 'redirect')))[0]!.n
  const fingerprints = async () => (await env.db.select({ n: count() }).from(requestFingerprints))[0]!.n
  const shipper = (path: string, stateFile = `${path}.offset`) =>
    createEdgeLogShipper({ path, stateFile, write, source: 'edge-test', pollMs: 20 })

  it('ships every line once, as the replica would have recorded it, and resumes from its offset after a restart', async () => {
    const log = join(dir, 'clicks.log')
    writeFileSync(log, lines(250))
    const a = shipper(log)
    a.start()
    await vi.waitFor(async () => expect(await redirects()).toBe(250), { timeout: 10_000 })
    const more = lines(50)
    appendFileSync(log, more.slice(0, -40)) // the last line cut short: nginx is still writing it
    await vi.waitFor(async () => expect(await redirects()).toBe(299), { timeout: 10_000 })
    await a.close()
    expect(a.position()).toMatchObject({ pending: false })
    // the cut line is finished and more arrive while the shipper is down
    appendFileSync(log, more.slice(-40) + lines(50))
    const b = shipper(log)
    b.start()
    await vi.waitFor(async () => expect(await redirects()).toBe(350), { timeout: 10_000 })
    await b.close()
    expect(await fingerprints()).toBe(350)
    const sample = await env.db.select().from(requestFingerprints).where(eq(requestFingerprints.client_ip, '203.0.113.9')).limit(400)
    expect(new Set(sample.map((r) => r.user_agent))).toEqual(new Set([UA, 'unknown']))
    expect(sample.every((r) => r.short_code === 'hot1' && r.status_code === 302 && !r.is_dead_link)).toBe(true)
    const ev = await env.db.select().from(events).where(eq(events.url_id, urlId)).limit(400)
    expect(new Set(ev.map((e) => e.referrer))).toEqual(new Set([null, 'https://news.example/a']))
  }, 40_000)

  it('a crash between the send and the offset neither loses nor doubles a click', async () => {
    const log = join(dir, 'crash.log')
    const state = `${log}.offset`
    const before = await redirects()
    writeFileSync(log, lines(100))
    const a = shipper(log)
    a.start()
    await vi.waitFor(async () => expect(await redirects()).toBe(before + 100), { timeout: 10_000 })
    await a.close()
    const { ino, offset } = a.position()!
    // as if it died after the insert committed, before moving the offset: the range is pending again, is written
    // again under the same batch id, and click_batches keeps it from counting twice
    writeFileSync(state, JSON.stringify({ gen: 0, ino, offset: 0, pending: { start: 0, end: offset } }))
    appendFileSync(log, lines(10))
    const b = shipper(log)
    b.start()
    await vi.waitFor(async () => expect(await redirects()).toBe(before + 110), { timeout: 10_000 })
    await b.close()
    expect(written.filter((id) => id === `edge-test:0.${ino}:0`)).toHaveLength(2)
    expect(await redirects()).toBe(before + 110)
  }, 40_000)

  it('keeps the lines while the database refuses them, and writes each once when it is back', async () => {
    const log = join(dir, 'down.log')
    const before = await redirects()
    writeFileSync(log, lines(30))
    let refusals = 0
    const errors: unknown[] = []
    const s = createEdgeLogShipper({
      path: log,
      stateFile: `${log}.offset`,
      source: 'edge-test',
      pollMs: 20,
      // Postgres down for the first three attempts
      write: async (batch) => {
        if (refusals++ < 3) throw new Error('connect ECONNREFUSED 127.0.0.1:5432')
        return write(batch)
      },
      onError: (err) => errors.push(err),
    })
    s.start()
    await vi.waitFor(async () => expect(await redirects()).toBe(before + 30), { timeout: 10_000 })
    await s.close()
    expect(errors).toHaveLength(3)
    expect(s.position()).toMatchObject({ pending: false })
    expect(await redirects()).toBe(before + 30)
  }, 20_000)

  it('follows a rotation (rename, then nginx reopens a new file) without losing the old file’s tail', async () => {
    const log = join(dir, 'rotate.log')
    const before = await redirects()
    writeFileSync(log, lines(40))
    const a = shipper(log)
    a.start()
    await vi.waitFor(async () => expect(await redirects()).toBe(before + 40), { timeout: 10_000 })
    renameSync(log, `${log}.1`)
    appendFileSync(`${log}.1`, lines(7)) // nginx's buffered lines, flushed into the old file at reopen
    writeFileSync(log, lines(5)) // the new file nginx opens
    await vi.waitFor(async () => expect(await redirects()).toBe(before + 52), { timeout: 10_000 })
    await a.close()
  }, 40_000)

  it('skips lines that are not a cached redirect instead of stopping', async () => {
    const log = join(dir, 'bad.log')
    const before = await redirects()
    const skipped: number[] = []
    writeFileSync(log, `not json\n${JSON.stringify({ t: 1, u: '/a/b', s: 302, ip: 'x', ua: '', ref: '', url: '', own: '' })}\n${lines(3)}`)
    const s = createEdgeLogShipper({
      path: log,
      stateFile: `${log}.offset`,
      write,
      source: 'edge-test',
      pollMs: 20,
      onSkipped: (n) => skipped.push(n),
    })
    s.start()
    await vi.waitFor(async () => expect(await redirects()).toBe(before + 3), { timeout: 10_000 })
    await s.close()
    expect(skipped.reduce((a, b) => a + b, 0)).toBe(2)
  }, 20_000)

  it('ships cached 404/410 hits (the edge refresh stores them) as the replica records them: a fingerprint, no event', async () => {
    const log = join(dir, 'refused.log')
    const before = await redirects()
    // cs: the answer's x-ghostlink-click-status; the last line predates it
    const hit = (u: string, s: number, cs?: string) =>
      `${JSON.stringify({ t: 1795787962.5, u, s, ip: '198.51.100.4', ua: UA, ref: 'https://r.example/', url: '', own: '', ...(cs === undefined ? {} : { cs }) })}\n`
    writeFileSync(log, hit('/gone404', 404, '404') + hit('/r/quar410', 410, '410') + hit('/dead410', 410, '-410') + hit('/old410', 410))
    const s = shipper(log)
    s.start()
    const rows = () => env.db.select().from(requestFingerprints).where(eq(requestFingerprints.client_ip, '198.51.100.4'))
    await vi.waitFor(async () => expect(await rows()).toHaveLength(4), { timeout: 10_000 })
    await s.close()
    const byCode = Object.fromEntries((await rows()).map((r) => [r.short_code, r]))
    // is_dead_link is every answer but a 302 (docs/CONTRACT.md#c-4-4); quarantined vs inactive is is_quarantined
    expect(byCode.gone404).toMatchObject({ status_code: 404, is_invalid_short_code: true, is_quarantined: false, is_dead_link: true })
    expect(byCode.quar410).toMatchObject({ status_code: 410, is_invalid_short_code: false, is_quarantined: true, is_dead_link: true })
    expect(byCode.dead410).toMatchObject({ status_code: 410, is_invalid_short_code: false, is_quarantined: false, is_dead_link: true })
    expect(byCode.old410).toMatchObject({ status_code: 410, is_quarantined: false, is_dead_link: true })
    expect(await redirects()).toBe(before)
  }, 20_000)
})
