import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, quarantineAudit } from '@ghostlink/db'
import { QUEUES } from '@ghostlink/jobs'
import { createRedis, redisKeys } from '@ghostlink/redis'
import { createApiMetrics } from '@ghostlink/metrics'
import { cleanRedisPrefix, createTestDatabase, redisReady, TEST_REDIS_URL, testRedisPrefix } from '@ghostlink/testing'
import { Queue } from 'bullmq'
import { asc } from 'drizzle-orm'
import Fastify from 'fastify'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../../src/app.js'
import { buildApp, type TestApp } from '../helpers/build-app.js'

/** `nginx -t` on a minimal config that includes the map the way infra/nginx does (docs/CONTRACT.md#c-4-3). */
function nginxTest(dir: string, mapFile: string): Promise<{ ok: boolean; output: string }> {
  const conf = join(dir, 'nginx.conf')
  writeFileSync(
    conf,
    `pid ${join(dir, 'nginx.pid')};\nerror_log stderr;\nevents {}\nhttp {\n  map $uri $blocked_short_code { default 0; include ${mapFile}; }\n  server { listen 127.0.0.1:18082; if ($blocked_short_code = 1) { return 410; } }\n}\n`,
  )
  return new Promise((resolve) =>
    execFile('/usr/sbin/nginx', ['-t', '-e', 'stderr', '-p', dir, '-c', conf], (err, out, errOut) =>
      resolve({ ok: !err, output: `${out}${errOut}` }),
    ),
  )
}

const WAIT = { timeout: 2_000, interval: 10 }

describe('quarantine routes (no queue: the map is rendered inline)', () => {
  let t: TestApp
  let sub: Redis
  let dir: string
  let mapFile: string
  const published: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gl-api-quarantine-'))
    mapFile = join(dir, 'generated', 'blocked_codes.conf')
    t = await buildApp({ env: { QUARANTINE_MAP_FILE: mapFile, NGINX_RELOAD_CMD: `echo reloaded >> '${join(dir, 'reloads')}'` } })
    sub = createRedis(TEST_REDIS_URL, 'quarantine-sub')
    await redisReady(sub)
    await sub.subscribe(redisKeys(t.prefix).invalidations)
    sub.on('message', (_channel, code: string) => published.push(code))
  })
  afterAll(async () => {
    sub.disconnect()
    await t.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('goes from POST to a map file nginx accepts, and tells the redirect replicas', async () => {
    await t.redis!.set(redisKeys(t.prefix).link('demo-threat'), '{"stale":true}')
    const res = await t.app.inject({
      method: 'POST',
      url: '/quarantine/demo-threat',
      headers: { 'x-ghostlink-actor': 'alice' },
      payload: { reason: 'phishing reports' },
    })
    expect(res.statusCode).toBe(201)
    expect(res.headers['x-ghostlink-version']).toBeDefined()
    expect(res.json()).toMatchObject({
      short_code: 'demo-threat',
      quarantined: true,
      source: 'manual',
      reason: 'phishing reports',
      actor: 'alice',
    })

    const text = readFileSync(mapFile, 'utf8')
    expect(text).toContain('/demo-threat 1;')
    expect(text).toContain('/r/demo-threat 1;')
    expect(text).toContain('/urls/demo-threat 1;')
    const nginx = await nginxTest(dir, mapFile)
    expect(nginx.ok, nginx.output).toBe(true)
    expect(readFileSync(join(dir, 'reloads'), 'utf8')).toBe('reloaded\n')

    await expect.poll(() => published, WAIT).toContain('demo-threat')
    expect(await t.redis!.exists(redisKeys(t.prefix).link('demo-threat'))).toBe(0)
  })

  it('answers 200 with the existing entry when the code is already quarantined, without a second audit row', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/quarantine/demo-threat', payload: { actor: 'bob' } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ short_code: 'demo-threat', actor: 'alice' })
    const audit = await t.db.select().from(quarantineAudit)
    expect(audit.filter((a) => a.short_code === 'demo-threat')).toHaveLength(1)
  })

  it('takes the actor from the body first, then the header, else "api"', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/quarantine/from-body',
      headers: { 'x-ghostlink-actor': 'hdr' },
      payload: { actor: 'body-actor' },
    })
    await t.app.inject({ method: 'POST', url: '/quarantine/no_actor' })
    const list = (await t.app.inject('/quarantine')).json() as Array<{ short_code: string; actor: string }>
    expect(Object.fromEntries(list.map((e) => [e.short_code, e.actor]))).toEqual({
      'demo-threat': 'alice',
      'from-body': 'body-actor',
      no_actor: 'api',
    })
  })

  it('lists the quarantine as a bare array ordered by code', async () => {
    const res = await t.app.inject('/quarantine')
    expect(res.statusCode).toBe(200)
    expect((res.json() as Array<{ short_code: string }>).map((e) => e.short_code)).toEqual(['demo-threat', 'from-body', 'no_actor'])
    expect(res.json()[0]).toEqual({
      short_code: 'demo-threat',
      quarantined: true,
      source: 'manual',
      reason: 'phishing reports',
      actor: 'alice',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })
  })

  it('DELETE lifts it, audits it, re-renders the file and publishes the code; a second DELETE is 404', async () => {
    published.length = 0
    const res = await t.app.inject({ method: 'DELETE', url: '/quarantine/demo-threat', headers: { 'x-ghostlink-actor': 'carol' } })
    expect([res.statusCode, res.json()]).toEqual([200, { short_code: 'demo-threat', quarantined: false, actor: 'carol' }])
    expect(readFileSync(mapFile, 'utf8')).not.toContain('demo-threat')
    expect((await nginxTest(dir, mapFile)).ok).toBe(true)
    await expect.poll(() => published, WAIT).toContain('demo-threat')
    const audit = await t.db.select().from(quarantineAudit).orderBy(asc(quarantineAudit.id))
    expect(audit.filter((a) => a.short_code === 'demo-threat').map((a) => [a.action, a.actor])).toEqual([
      ['quarantine', 'alice'],
      ['unquarantine', 'carol'],
    ])
    const again = await t.app.inject({ method: 'DELETE', url: '/quarantine/demo-threat' })
    expect([again.statusCode, again.json()]).toEqual([404, { error: 'Not found', code: 404 }])
  })

  it.each([
    ['a code with a dot', 'POST', '/quarantine/bad.code', undefined, 422, 'Invalid short_code'],
    ['a 65-char code', 'POST', `/quarantine/${'a'.repeat(65)}`, undefined, 422, 'Invalid short_code'],
    ['an encoded slash', 'DELETE', '/quarantine/a%2Fb', undefined, 422, 'Invalid short_code'],
    ['a non-object body', 'POST', '/quarantine/okcode', [1, 2], 400, 'Missing request body'],
    ['a reason that is not a string', 'POST', '/quarantine/okcode', { reason: 5 }, 400, 'Invalid request body'],
    ['an empty actor', 'POST', '/quarantine/okcode', { actor: '  ' }, 400, 'Invalid request body'],
  ] as const)('rejects %s', async (_name, method, url, payload, status, error) => {
    const res = await t.app.inject({ method, url, payload: payload as object | undefined })
    expect([res.statusCode, res.json()]).toEqual([status, { error, code: status }])
  })

  it('infra/scripts/quarantine.sh and unquarantine.sh drive the same API as $USER', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 })
    const scripts = new URL('../../../../infra/scripts/', import.meta.url).pathname
    const run = (script: string, ...args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) =>
        execFile(
          join(scripts, script),
          args,
          { env: { PATH: process.env.PATH, USER: 'script-op', GHOSTLINK_API_URL: address } },
          (err, out, errOut) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${out}${errOut}` }),
        ),
      )
    const added = await run('quarantine.sh', 'via-script', 'says "hi"')
    expect(added.code).toBe(0)
    expect(JSON.parse(added.out)).toMatchObject({ short_code: 'via-script', actor: 'script-op', reason: 'says "hi"' })
    expect(readFileSync(mapFile, 'utf8')).toContain('/via-script 1;')
    expect((await run('unquarantine.sh', 'via-script')).code).toBe(0)
    const missing = await run('unquarantine.sh', 'via-script')
    expect(missing.code).toBe(22)
    expect(missing.out).toContain('Not found')
    expect((await run('quarantine.sh', 'bad code')).code).toBe(2)
    const audit = await t.db.select().from(quarantineAudit).orderBy(asc(quarantineAudit.id))
    expect(audit.filter((a) => a.short_code === 'via-script').map((a) => [a.action, a.actor])).toEqual([
      ['quarantine', 'script-op'],
      ['unquarantine', 'script-op'],
    ])
  })

  it('answers a wrong method with the JSON 405', async () => {
    const res = await t.app.inject({ method: 'PUT', url: '/quarantine/x' })
    expect([res.statusCode, res.json()]).toEqual([405, { error: 'Method not allowed', code: 405 }])
  })
})

describe('quarantine routes with the worker tier (QuarantineSyncJob)', () => {
  it('enqueues a sync job instead of writing the file itself', async () => {
    const tdb = await createTestDatabase()
    const prefix = testRedisPrefix()
    const dir = mkdtempSync(join(tmpdir(), 'gl-api-quarantine-q-'))
    const config = loadConfig({
      DATABASE_URL: tdb.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      AUTH_MODE: 'open',
      QUARANTINE_MAP_FILE: join(dir, 'map.conf'),
    })
    const db = createDb(config.databaseUrl, 2)
    const redis = createRedis(config.REDIS_URL, 'api-test-q')
    await redisReady(redis)
    const quarantineQueue = new Queue(QUEUES.quarantine, { connection: { url: TEST_REDIS_URL }, prefix: redisKeys(prefix).bull })
    const app = Fastify({ logger: false })
    try {
      await app.register(api, { config, db, redis, metrics: createApiMetrics(config.release, config.flags), quarantineQueue })
      const res = await app.inject({ method: 'POST', url: '/quarantine/q1' })
      expect(res.statusCode).toBe(201)
      const jobs = await quarantineQueue.getJobs(['waiting'])
      expect(jobs.map((j) => [j.name, j.data])).toEqual([['sync', { reason: 'quarantine q1' }]])
      expect(() => readFileSync(join(dir, 'map.conf'))).toThrow()
    } finally {
      await app.close()
      await quarantineQueue.close()
      redis.disconnect()
      await closeDb(db)
      await cleanRedisPrefix(prefix)
      await tdb.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
