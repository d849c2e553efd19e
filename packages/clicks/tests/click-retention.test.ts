import { clickVisitorHashes, clickVisitorSalts, events, parseStatsRange, requestFingerprints, statsForUrl, urls } from '@ghostlink/db'
import { createTestEnv, type TestEnv } from '@ghostlink/testing'
import { asc, count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClickRecord } from '../src/click-record.js'
import { insertClicks } from '../src/insert-clicks.js'
import { anonymizeIp } from '../src/retention/anonymize-ip.js'
import { runClickRetention } from '../src/retention/run-click-retention.js'

const DAY = 86_400_000
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0'

describe('anonymizeIp', () => {
  it('cuts IPv4 to the /24, IPv6 to the /48, a mapped IPv4 like IPv4, and leaves non-addresses alone', () => {
    expect(anonymizeIp('203.0.113.77')).toBe('203.0.113.0')
    expect(anonymizeIp('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::')
    expect(anonymizeIp('2001:0db8:00ab:ffff:1:2:3:4')).toBe('2001:db8:ab::')
    expect(anonymizeIp('::1')).toBe('0:0:0::')
    expect(anonymizeIp('fe80::1')).toBe('fe80:0:0::')
    expect(anonymizeIp('::ffff:198.51.100.9')).toBe('::ffff:198.51.100.0')
    expect(anonymizeIp('unknown')).toBe('unknown')
    // idempotent: a cut address cuts to itself
    for (const ip of ['203.0.113.0', '2001:db8:abcd::', '::ffff:198.51.100.0']) expect(anonymizeIp(ip)).toBe(ip)
  })
})

describe('runClickRetention', () => {
  let env: TestEnv
  let link: number
  const now = Date.now()
  beforeAll(async () => {
    env = await createTestEnv({ name: 'click-retention' })
    const [row] = await env.db.insert(urls).values({ short_code: 'rt1', original_url: 'https://example.com/rt' }).returning({ id: urls.id })
    link = row!.id
    const rec = (ageDays: number, ip: string): ClickRecord => [now - ageDays * DAY, 'rt1', 302, ip, UA, null, link, null]
    await insertClicks(env.db, [
      {
        id: 'rt:1',
        records: [rec(100, '192.0.2.1'), rec(100, '2001:db8::1'), rec(40, '192.0.2.2'), rec(40, '2001:db8:1:2::3'), rec(40, '::ffff:192.0.2.3'), rec(1, '192.0.2.4')],
      },
    ])
    // a visitor hash and salt of a day long gone (written by hand: the writer only keeps today's and yesterday's)
    const old = new Date(now - 5 * DAY).toISOString().slice(0, 10)
    await env.db.insert(clickVisitorSalts).values({ day: old, salt: Buffer.alloc(16) })
    await env.db.insert(clickVisitorHashes).values({ url_id: link, day: old, visitor: 42n })
  })
  afterAll(() => env.close())

  const ips = async () => {
    const fps = await env.db.select({ ip: requestFingerprints.client_ip }).from(requestFingerprints).orderBy(asc(requestFingerprints.id))
    const evs = await env.db.select({ details: events.details }).from(events).orderBy(asc(events.id))
    return { fps: fps.map((r) => r.ip), evs: evs.map((r) => r.details?.client_ip) }
  }

  it('deletes raw clicks past retention, cuts addresses past the anonymization age, keeps the statistics', async () => {
    const range = parseStatsRange({ from: new Date(now - 120 * DAY).toISOString(), to: new Date(now).toISOString() }, now)
    const before = await statsForUrl(env.db, link, range)
    expect(before.total).toBe(6)

    const report = await runClickRetention(env.db, { retentionDays: 90, anonymizeAfterDays: 30, now, batchSize: 2 })
    expect(report).toEqual({
      deletedEvents: 2,
      deletedFingerprints: 2,
      anonymizedEvents: 3,
      anonymizedFingerprints: 3,
      prunedVisitorHashes: 1,
      prunedSalts: 1,
    })
    const cut = ['192.0.2.0', '2001:db8:1::', '::ffff:192.0.2.0', '192.0.2.4']
    expect(await ips()).toEqual({ fps: cut, evs: cut })
    expect(await statsForUrl(env.db, link, range)).toEqual(before)
    const [salts] = await env.db.select({ n: count() }).from(clickVisitorSalts)
    expect(salts!.n).toBeGreaterThan(0) // today's and yesterday's stay
    const [oldHashes] = await env.db.select({ n: count() }).from(clickVisitorHashes).where(eq(clickVisitorHashes.visitor, 42n))
    expect(oldHashes!.n).toBe(0)
  })

  it('is idempotent, and cuts a late arrival older than the previous bound (within the lookback)', async () => {
    expect(await runClickRetention(env.db, { retentionDays: 90, anonymizeAfterDays: 30, now })).toMatchObject({
      deletedEvents: 0,
      deletedFingerprints: 0,
      anonymizedEvents: 0,
      anonymizedFingerprints: 0,
    })
    await insertClicks(env.db, [{ id: 'rt:late', records: [[now - 31 * DAY, 'rt1', 302, '198.51.100.200', UA, null, link, null]] }])
    const later = now + 3_600_000
    expect(await runClickRetention(env.db, { retentionDays: 90, anonymizeAfterDays: 30, now: later })).toMatchObject({
      anonymizedEvents: 1,
      anonymizedFingerprints: 1,
    })
    expect((await ips()).fps.at(-1)).toBe('198.51.100.0')
  })

  it('keeps everything when both ages are 0', async () => {
    await insertClicks(env.db, [{ id: 'rt:keep', records: [[now - 400 * DAY, 'rt1', 302, '198.51.100.201', UA, null, link, null]] }])
    const report = await runClickRetention(env.db, { retentionDays: 0, anonymizeAfterDays: 0, now })
    expect(report).toMatchObject({ deletedEvents: 0, deletedFingerprints: 0, anonymizedEvents: 0, anonymizedFingerprints: 0 })
    expect((await ips()).fps.at(-1)).toBe('198.51.100.201')
  })
})
