import { createServer, type Server, type Socket } from 'node:net'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb, type Db } from '@ghostlink/db'
import { createApiMetrics } from '@ghostlink/metrics'
import { createRedis } from '@ghostlink/redis'
import { redisReady, startThrowawayRedis, type ThrowawayRedis } from '@ghostlink/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../../src/app.js'
import { fastifyOptions } from '../../src/fastify-options.js'

// Issue 13 item 6: with Postgres unreachable in the worst way (the TCP connection opens, nothing ever answers: a hung
// server, a dropped route) /health hung for the pool's connect timeout. It must answer within about a second.
describe('health checks have their own short timeout', () => {
  let blackHole: Server
  const sockets: Socket[] = []
  let app: FastifyInstance
  let db: Db
  let redis: Redis
  let throwaway: ThrowawayRedis

  beforeAll(async () => {
    blackHole = createServer((s) => sockets.push(s))
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', () => r()))
    const { port } = blackHole.address() as { port: number }
    throwaway = await startThrowawayRedis({ appendfsync: 'no' })
    const config = loadConfig({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/none`,
      REDIS_URL: throwaway.url,
      LOG_LEVEL: 'silent',
    })
    db = createDb(config.databaseUrl, 2)
    redis = createRedis(config.REDIS_URL, 'health-timeout-test')
    redis.on('error', () => {})
    await redisReady(redis)
    app = Fastify({ ...fastifyOptions(config), logger: false })
    await app.register(api, { config, db, redis, metrics: createApiMetrics(config.release, config.flags) })
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
    redis.disconnect()
    for (const s of sockets) s.destroy()
    blackHole.close()
    await closeDb(db).catch(() => {})
    throwaway.destroy()
  })

  const timed = async (url: string) => {
    const t0 = Date.now()
    const res = await app.inject(url)
    return { res, ms: Date.now() - t0 }
  }

  it('/health answers 503 degraded within 2 s while Postgres hangs', async () => {
    const { res, ms } = await timed('/health')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toMatchObject({ status: 'degraded', db: 'error' })
    expect(ms).toBeLessThan(2_000)
    expect(ms).toBeGreaterThanOrEqual(900) // it did wait for the ping, then gave up
  })

  it('/ready answers 503 within 2 s', async () => {
    const { res, ms } = await timed('/ready')
    expect(res.json()).toEqual({ ready: false })
    expect(ms).toBeLessThan(2_000)
  })

  it('a Redis that stopped answering (SIGSTOP) does not hold redisStatus either', async () => {
    const { redisStatus } = await import('@ghostlink/redis')
    const pid = throwaway.pid()!
    process.kill(pid, 'SIGSTOP')
    try {
      const t0 = Date.now()
      expect(await redisStatus(redis)).toBe('error')
      expect(Date.now() - t0).toBeLessThan(2_000)
    } finally {
      process.kill(pid, 'SIGCONT')
    }
    expect(await redisStatus(redis)).toBe('ok')
  })
})
