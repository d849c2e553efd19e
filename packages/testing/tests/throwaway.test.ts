import { createServer } from 'node:net'
import postgres from 'postgres'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { freePort, listensOn, PortTakenError, startThrowawayPostgres, startThrowawayRedis } from '../src/index.js'

describe('throwaway servers (never the shared ones)', () => {
  it('a Postgres cluster on a free port survives an immediate stop with its committed rows', async () => {
    const pg = await startThrowawayPostgres()
    try {
      expect(pg.port).not.toBe(5432)
      let sql = postgres(pg.url, { max: 1, onnotice: () => {} })
      await sql`create table t (v int)`
      await sql`insert into t values (42)`
      await sql.end()
      pg.stop()
      await pg.start()
      sql = postgres(pg.url, { max: 1 })
      expect((await sql`select v from t`)[0]?.v).toBe(42)
      await sql.end()
    } finally {
      pg.destroy()
    }
  }, 60_000)

  it('a Redis with appendfsync always keeps data across a kill -9; wipe starts it empty', async () => {
    const r = await startThrowawayRedis()
    try {
      expect(r.port).not.toBe(6379)
      const c = new Redis(r.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 })
      c.on('error', () => {})
      await c.set('k', 'v')
      r.kill()
      await new Promise((res) => setTimeout(res, 200))
      await r.start()
      expect(await c.get('k')).toBe('v')
      r.wipe()
      await r.start()
      expect(await c.get('k')).toBeNull()
      c.disconnect()
    } finally {
      r.destroy()
    }
  }, 30_000)

  it('a Redis whose port another process took fails with PortTakenError, never using that process', async () => {
    const port = await freePort()
    const other = createServer(() => {}) // accepts and never answers
    await new Promise<void>((r) => other.listen(port, '127.0.0.1', () => r()))
    try {
      expect(listensOn(process.pid, port)).toBe(true)
      await expect(startThrowawayRedis({ port })).rejects.toBeInstanceOf(PortTakenError)
    } finally {
      other.close()
    }
  }, 30_000)
})
