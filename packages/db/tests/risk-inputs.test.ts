import { beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../src/client.js'
import { readRiskInputs, upsertRiskScore } from '../src/queries/risk-inputs.js'
import { events } from '../src/schema/events.js'
import { healthChecks } from '../src/schema/health-checks.js'
import { requestFingerprints } from '../src/schema/request-fingerprints.js'
import { riskScores } from '../src/schema/risk-scores.js'
import { urls } from '../src/schema/urls.js'
import { useTestDb } from './helpers/use-test-db.js'

describe('risk inputs and scores (docs/CONTRACT.md#c-4-1), on a real database', () => {
  const t = useTestDb()
  let db: Db
  let id: number
  let other: number
  beforeAll(async () => {
    db = t.db
    const inserted = await db
      .insert(urls)
      .values([
        { short_code: 'risky1', original_url: 'https://example.com/a' },
        { short_code: 'other1', original_url: 'https://example.com/b' },
      ])
      .returning({ id: urls.id })
    id = inserted[0]!.id
    other = inserted[1]!.id
  })

  it('is null for a URL that does not exist', async () => {
    expect(await readRiskInputs(db, 999_999)).toBeNull()
  })

  it('reads a never-probed, never-touched URL as zero counts and no health', async () => {
    expect(await readRiskInputs(db, id)).toEqual({
      originalUrl: 'https://example.com/a',
      latestHealth: null,
      deadLinkHits: 0,
      deletedEvents: 0,
      createdEvents: 0,
    })
  })

  it('takes the latest health check, counts its own events and only dead-link fingerprints on its own code', async () => {
    await db.insert(healthChecks).values([
      { url_id: id, health_status: 'OK', status_code: 200, checked_at: new Date('2025-01-01T00:00:00Z') },
      { url_id: id, health_status: 'CHAINED', status_code: 301, redirect_chain_length: 4, checked_at: new Date('2025-01-02T00:00:00Z') },
      { url_id: other, health_status: 'DEAD', status_code: 500, checked_at: new Date('2025-01-03T00:00:00Z') },
    ])
    await db.insert(events).values([
      { url_id: id, event_type: 'created' },
      { url_id: id, event_type: 'deleted' },
      { url_id: id, event_type: 'deleted' },
      { url_id: id, event_type: 'redirect' },
      { url_id: other, event_type: 'deleted' },
    ])
    await db.insert(requestFingerprints).values([
      ...Array.from({ length: 3 }, () => ({ short_code: 'risky1', status_code: 410, is_dead_link: true })),
      { short_code: 'risky1', status_code: 302 },
      { short_code: 'other1', status_code: 410, is_dead_link: true },
    ])
    expect(await readRiskInputs(db, id)).toEqual({
      originalUrl: 'https://example.com/a',
      latestHealth: { health_status: 'CHAINED', status_code: 301, redirect_chain_length: 4 },
      deadLinkHits: 3,
      deletedEvents: 2,
      createdEvents: 1,
    })
  })

  it('a fingerprint costs its id and time index entries; only a dead-link hit enters the per-code index that reads it', async () => {
    const indexes = await db.$client<{ indexname: string; indexdef: string }[]>`
      select indexname, indexdef from pg_indexes where tablename = 'request_fingerprints' order by indexname`
    expect(indexes.map((i) => i.indexname)).toEqual(['fingerprints_created_idx', 'fingerprints_dead_code_created_idx', 'request_fingerprints_pkey'])
    expect(indexes[1]!.indexdef).toMatch(/\(short_code, created_at\) WHERE is_dead_link$/)
    // readRiskInputs' count (short_code = $1 and is_dead_link = true) is answered from it, even where a scan is cheap
    const plan = await db.$client.begin(async (tx) => {
      await tx`set local enable_seqscan = off`
      return tx.unsafe(`explain select count(*) from request_fingerprints where short_code = 'risky1' and is_dead_link = true`)
    })
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('fingerprints_dead_code_created_idx')
  })

  it('upsertRiskScore keeps one row per URL and overwrites it', async () => {
    await upsertRiskScore(db, id, { score: 10, tier: 'SAFE', signals: { a: 1 }, computed_at: new Date('2025-01-01T00:00:00Z') })
    await upsertRiskScore(db, id, { score: 80, tier: 'THREAT', signals: { b: true }, computed_at: new Date('2025-02-01T00:00:00Z') })
    const rows = await db.select().from(riskScores)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ url_id: id, score: 80, tier: 'THREAT', signals: { b: true } })
    expect(rows[0]?.computed_at.toISOString()).toBe('2025-02-01T00:00:00.000Z')
  })
})
