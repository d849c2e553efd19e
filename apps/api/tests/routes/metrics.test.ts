import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { urls } from '@ghostlink/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRollbackState, readRollbackState } from '../../src/metrics/rollback-state.js'
import { createUrlGaugeRefresher } from '../../src/metrics/url-gauges.js'
import { buildApp, type TestApp } from '../helpers/build-app.js'

/** The value of an unlabelled metric (the registry adds only the default `service` label). */
function metric(text: string, name: string): number {
  const m = text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm'))
  if (!m) throw new Error(`${name} not in the scrape`)
  return Number(m[1])
}

describe('GET /metrics (API)', () => {
  let t: TestApp
  let dir: string
  const scrape = async () => {
    const res = await t.app.inject('/metrics')
    expect(res.statusCode).toBe(200)
    return res.body
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gl-rollback-'))
    await writeFile(
      join(dir, 'rollback_state.env'),
      [
        'ROLLBACKS_TOTAL=3',
        'MEAN_TIME_TO_DETECT_MINUTES=2',
        'MEAN_TIME_TO_RECOVER_MINUTES=1.37',
        'RECOVERY_ATTEMPTS_TOTAL=oops',
        'LAST_ROLLBACK_SERVICE=app2',
        '',
      ].join('\n'),
    )
    t = await buildApp({ env: { ROLLBACK_STATE_FILE: join(dir, 'rollback_state.env') } })
    await t.db.insert(urls).values([
      { short_code: 'm1', original_url: 'https://x.io/1' },
      { short_code: 'm2', original_url: 'https://x.io/2' },
      { short_code: 'm3', original_url: 'https://x.io/3', is_active: false },
    ])
  })
  afterAll(async () => {
    await t.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves Prometheus text with the exact content type of docs/CONTRACT.md#c-6-1', async () => {
    const res = await t.app.inject('/metrics')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(res.headers['x-ghostlink-version']).toBe('v1-dev')
  })

  it('counts active and inactive URLs, and memoises the count for 15 s', async () => {
    const first = await scrape()
    expect([metric(first, 'urls_active_total'), metric(first, 'urls_inactive_total')]).toEqual([2, 1])
    await t.db.insert(urls).values({ short_code: 'm4', original_url: 'https://x.io/4' })
    const second = await scrape()
    expect(metric(second, 'urls_active_total')).toBe(2)
  })

  it('moves urls_created_total on each successful create only, and urls_deleted_total on real deletes only', async () => {
    const before = await scrape()
    const shorten = await t.app.inject({ method: 'POST', url: '/shorten', payload: { original_url: 'https://x.io/c', short_code: 'cnt1' } })
    expect(shorten.statusCode).toBe(201)
    expect(
      (await t.app.inject({ method: 'POST', url: '/shorten', payload: { original_url: 'https://x.io/c', short_code: 'cnt1' } })).statusCode,
    ).toBe(409)
    expect((await t.app.inject({ method: 'POST', url: '/shorten', payload: { original_url: 'nope' } })).statusCode).toBe(422)
    const id = shorten.json().id
    expect((await t.app.inject({ method: 'DELETE', url: `/urls/${id}` })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'DELETE', url: `/urls/${id}` })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'DELETE', url: '/urls/999999' })).statusCode).toBe(404)
    const after = await scrape()
    expect(metric(after, 'urls_created_total') - metric(before, 'urls_created_total')).toBe(1)
    expect(metric(after, 'urls_deleted_total') - metric(before, 'urls_deleted_total')).toBe(1)
  })

  it('never labels a series with a short code', async () => {
    const body = await scrape()
    expect(body).not.toMatch(/short_code="/)
    expect(body).not.toContain('cnt1')
  })

  it('reads the rollback gauges from ROLLBACK_STATE_FILE; an unparsable value is 0', async () => {
    const body = await scrape()
    expect({
      rollbacks: metric(body, 'ghostlink_rollbacks_total'),
      mttd: metric(body, 'ghostlink_mean_time_to_detect_minutes'),
      mttr: metric(body, 'ghostlink_mean_time_to_recover_minutes'),
      attempts: metric(body, 'ghostlink_recovery_attempts_total'),
      success: metric(body, 'ghostlink_recovery_success_total'),
    }).toEqual({ rollbacks: 3, mttd: 2, mttr: 1.37, attempts: 0, success: 0 })
  })

  it('re-reads the state file at each scrape', async () => {
    await writeFile(join(dir, 'rollback_state.env'), 'ROLLBACKS_TOTAL=4\nRECOVERY_SUCCESS_TOTAL=4\n')
    const body = await scrape()
    expect([metric(body, 'ghostlink_rollbacks_total'), metric(body, 'ghostlink_recovery_success_total')]).toEqual([4, 4])
  })
})

describe('GET /metrics without a rollback state file', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildApp({ env: { ROLLBACK_STATE_FILE: '/nonexistent/rollback_state.env' }, withRedis: false })
  })
  afterAll(() => t.close())

  it('reports zeros', async () => {
    const body = (await t.app.inject('/metrics')).body
    for (const name of ['ghostlink_rollbacks_total', 'ghostlink_mean_time_to_recover_minutes', 'ghostlink_recovery_attempts_total']) {
      expect([name, metric(body, name)]).toEqual([name, 0])
    }
    expect([metric(body, 'urls_active_total'), metric(body, 'urls_inactive_total')]).toEqual([0, 0])
  })
})

describe('rollback state parsing', () => {
  it.each([
    ['empty', '', { ROLLBACKS_TOTAL: 0, MEAN_TIME_TO_DETECT_MINUTES: 0 }],
    [
      'quoted and spaced values',
      'ROLLBACKS_TOTAL = "5"\nMEAN_TIME_TO_DETECT_MINUTES=\'2.5\'',
      { ROLLBACKS_TOTAL: 5, MEAN_TIME_TO_DETECT_MINUTES: 2.5 },
    ],
    [
      'comments, CRLF and junk lines',
      '# state\r\nROLLBACKS_TOTAL=7\r\nnot a pair\r\n=3\r\n',
      { ROLLBACKS_TOTAL: 7, MEAN_TIME_TO_DETECT_MINUTES: 0 },
    ],
    [
      'non-numeric and infinite values',
      'ROLLBACKS_TOTAL=abc\nMEAN_TIME_TO_DETECT_MINUTES=Infinity',
      { ROLLBACKS_TOTAL: 0, MEAN_TIME_TO_DETECT_MINUTES: 0 },
    ],
  ])('handles %s', (_, text, expected) => {
    expect(parseRollbackState(text)).toMatchObject(expected)
  })

  it('gives zeros for a missing file', async () => {
    expect(Object.values(await readRollbackState('/nonexistent/file.env'))).toEqual([0, 0, 0, 0, 0])
  })
})

describe('URL gauge memo', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildApp({ withRedis: false })
  })
  afterAll(() => t.close())

  it('queries at most once per 15 s, shares a concurrent refresh, and refreshes after the window', async () => {
    let clock = 1_000_000
    const values: Record<string, number> = {}
    let sets = 0
    const gauges = {
      active: {
        set: (v: number) => {
          values.active = v
          sets++
        },
      },
      inactive: { set: (v: number) => (values.inactive = v) },
    }
    const refresh = createUrlGaugeRefresher(t.db, gauges, 15_000, () => clock)

    await Promise.all([refresh(), refresh(), refresh()])
    expect([values, sets]).toEqual([{ active: 0, inactive: 0 }, 1])
    await t.db.insert(urls).values({ short_code: 'g1', original_url: 'https://x.io' })
    clock += 14_999
    await refresh()
    expect([values.active, sets]).toEqual([0, 1])
    clock += 1
    await refresh()
    expect(values).toEqual({ active: 1, inactive: 0 })
  })
})
