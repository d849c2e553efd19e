import { startThrowawayRedis } from '@ghostlink/testing'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { persistenceWarning, redisPersistence } from '../src/index.js'

// Issue 13 item 11: the click stream's durability depends on how Redis persists; the click writer says so at start.
describe('redisPersistence', () => {
  it.each([
    ['everysec', { aof: true, fsync: 'everysec', rdb: false }, false],
    ['no', { aof: false, fsync: 'everysec', rdb: false }, true],
  ] as const)('reads a throwaway server started with appendfsync %s', async (mode, expected, warns) => {
    const server = await startThrowawayRedis({ appendfsync: mode })
    const redis = new Redis(server.url)
    redis.on('error', () => {})
    try {
      const p = await redisPersistence(redis)
      expect(p).toEqual(expected)
      expect(persistenceWarning(p) !== undefined).toBe(warns)
    } finally {
      redis.disconnect()
      server.destroy()
    }
  })

  it('is unknown (and silent) when CONFIG is refused', () => {
    expect(persistenceWarning('unknown')).toBeUndefined()
  })
})
