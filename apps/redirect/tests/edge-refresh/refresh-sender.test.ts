import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '@ghostlink/config'
import { urls } from '@ghostlink/db'
import { createRedirectMetrics } from '@ghostlink/metrics'
import { createRedis, redisInvalidation } from '@ghostlink/redis'
import { freePort, redisReady, TEST_REDIS_URL } from '@ghostlink/testing'
import { eq } from 'drizzle-orm'
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createEdgeRefreshSender } from '../../src/edge-refresh/refresh-sender.js'
import { buildService, createTestEnv, type TestEnv, type TestService } from '../helpers/build-service.js'

/** A fake edge refresh server on a free port: records each request's path, answers with `handle`. */
async function startFakeEdge(
  handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) =>
    res.writeHead(302, { location: 'https://example.com/' }).end(),
) {
  const paths: string[] = []
  const server: Server = createServer((req, res) => {
    paths.push(`${req.method} ${req.url}`)
    handle(req, res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

const sample = async (svc: TestService, result: string) => {
  const line = (await svc.app.inject('/metrics')).body
    .split('\n')
    .find((l) => l.startsWith(`redirect_edge_refreshes_total{result="${result}",`))
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
}

/** Resolves once the service's invalidation subscription is live (it is shared by every listener of the service). */
async function subscribed(svc: TestService): Promise<void> {
  const probe = svc.deps.invalidation.subscribe({ drop() {}, reset() {} })
  await probe.subscribed
  await probe.stop()
}

describe('the edge refresh sender on a replica (EDGE_REFRESH_URL)', () => {
  let env: TestEnv
  let api: Redis // the API's side: redisInvalidation().invalidate, as a link change publishes it

  beforeAll(async () => {
    env = await createTestEnv()
    await env.db.insert(urls).values([{ short_code: 'snd1', original_url: 'https://example.com/1' }])
    api = createRedis(TEST_REDIS_URL, 'edge-refresh-test')
    await redisReady(api)
  })
  afterAll(async () => {
    api.disconnect()
    await env.drop()
  })

  it('asks the edge to refresh /<code> and /r/<code> on each invalidation, and nothing for a code no route answers', async () => {
    const edge = await startFakeEdge()
    const svc = await buildService({ ...env.env, EDGE_REFRESH_URL: edge.url })
    try {
      await subscribed(svc)
      const publisher = redisInvalidation({ redis: api, prefix: env.prefix })
      await publisher.invalidate('not a code')
      await publisher.invalidate(`x${'a'.repeat(64)}`)
      await publisher.invalidate('snd1')
      await expect.poll(() => [...edge.paths].sort(), { timeout: 5_000 }).toEqual(['GET /r/snd1', 'GET /snd1'])
      await expect.poll(() => sample(svc, 'ok')).toBe(2)
      // another change of the same code refreshes it again
      await publisher.invalidate('snd1')
      await expect.poll(() => edge.paths.length, { timeout: 5_000 }).toBe(4)
      await new Promise((r) => setTimeout(r, 100))
      expect(edge.paths).toHaveLength(4)
    } finally {
      await svc.close()
      await edge.close()
    }
  })

  it('a failing edge breaks nothing: the replica still follows the change, the failure is counted', async () => {
    const port = await freePort() // nothing listens there
    const svc = await buildService({ ...env.env, EDGE_REFRESH_URL: `http://127.0.0.1:${port}`, LOCAL_CACHE_TTL_MS: '60000' })
    try {
      await subscribed(svc)
      expect((await svc.app.inject('/snd1')).headers.location).toBe('https://example.com/1')
      await env.db.update(urls).set({ original_url: 'https://example.com/2' }).where(eq(urls.short_code, 'snd1'))
      await redisInvalidation({ redis: api, prefix: env.prefix }).invalidate('snd1')
      await expect.poll(async () => (await svc.app.inject('/snd1')).headers.location, { timeout: 5_000 }).toBe('https://example.com/2')
      await expect.poll(() => sample(svc, 'error'), { timeout: 5_000 }).toBe(2)
      expect(await sample(svc, 'ok')).toBe(0)
    } finally {
      await svc.close()
    }
  })

  it('is off without EDGE_REFRESH_URL', async () => {
    const svc = await buildService(env.env)
    try {
      await subscribed(svc)
      await redisInvalidation({ redis: api, prefix: env.prefix }).invalidate('snd1')
      await new Promise((r) => setTimeout(r, 200))
      expect((await sample(svc, 'ok')) + (await sample(svc, 'error'))).toBe(0)
    } finally {
      await svc.close()
    }
  })
})

describe('createEdgeRefreshSender', () => {
  const config = loadConfig({})
  const stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop()
  })

  function sender(url: string, opts: { concurrency?: number; queueMax?: number; timeoutMs?: number } = {}) {
    const metrics = createRedirectMetrics(config.release, config.flags)
    const warnings: unknown[] = []
    const s = createEdgeRefreshSender({
      baseUrl: url,
      log: { warn: (o: unknown) => warnings.push(o) } as never,
      refreshes: metrics.edgeRefreshes,
      ...opts,
    })
    stops.push(() => s.close())
    const count = async (result: string) => (await metrics.edgeRefreshes.get()).values.find((v) => v.labels.result === result)?.value ?? 0
    return { s, count, warnings }
  }

  it('keeps at most `concurrency` in flight, drops beyond the queue (counted), queues a waiting path once, and close() drops the queue', async () => {
    const held: ServerResponse[] = []
    let maxOpen = 0
    const edge = await startFakeEdge((_req, res) => {
      held.push(res)
      maxOpen = Math.max(maxOpen, held.filter((r) => !r.writableEnded).length)
    })
    stops.push(edge.close)
    const { s, count } = sender(edge.url, { concurrency: 1, queueMax: 3 })
    s.listener.drop('a') // /a in flight, /r/a waits
    s.listener.drop('b') // /b and /r/b wait: the queue is full
    s.listener.drop('b') // already waiting: nothing to add, nothing dropped
    s.listener.drop('c') // both dropped
    s.listener.reset() // does nothing
    await expect.poll(() => edge.paths).toEqual(['GET /a'])
    expect(await count('dropped')).toBe(2)
    held.shift()!.writeHead(404).end()
    await expect.poll(() => edge.paths).toEqual(['GET /a', 'GET /r/a'])
    expect(await count('ok')).toBe(1)
    // close: the queue (/b, /r/b) is dropped, the refresh in flight is waited for
    let closed = false
    const closing = s.close().then(() => {
      closed = true
    })
    await new Promise((r) => setTimeout(r, 50))
    expect(closed).toBe(false)
    held.shift()!.writeHead(410).end()
    await closing
    expect(await count('ok')).toBe(2)
    expect(edge.paths).toEqual(['GET /a', 'GET /r/a'])
    expect(maxOpen).toBe(1)
    s.listener.drop('d') // after close: nothing
    await new Promise((r) => setTimeout(r, 50))
    expect(edge.paths).toHaveLength(2)
  })

  it('counts and logs an edge error answer and a timeout, never throws', async () => {
    const edge = await startFakeEdge((req, res) => {
      if (req.url === '/slow') return // never answered: the timeout ends it
      res.writeHead(502).end()
    })
    stops.push(async () => {
      edge.close()
    })
    const { s, count, warnings } = sender(edge.url, { timeoutMs: 200 })
    s.listener.drop('slow')
    await expect.poll(() => count('error'), { timeout: 5_000 }).toBe(2)
    expect(warnings).toHaveLength(2)
    expect(await count('ok')).toBe(0)
  })
})
