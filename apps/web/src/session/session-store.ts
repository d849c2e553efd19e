import { redisKeys, redisStatus } from '@ghostlink/redis'
import type { Redis } from 'ioredis'
import { z } from 'zod'

/** What a session holds server-side. The API key never leaves the server: the cookie carries only the session id. */
export const SessionData = z.object({
  key: z.string().min(1),
  csrf: z.string().min(16),
  user: z.object({ id: z.number().int(), username: z.string(), email: z.string() }),
  admin: z.boolean(),
  created_at: z.string(),
})
export type SessionData = z.infer<typeof SessionData>

export interface SessionStore {
  get(id: string): Promise<SessionData | undefined>
  set(id: string, data: SessionData, ttlSeconds: number): Promise<void>
  delete(id: string): Promise<void>
  ping(): Promise<boolean>
}

/** Sessions in Redis under the deployment's prefix, expiring with the session TTL: every web replica sees them. */
export class RedisSessionStore implements SessionStore {
  private readonly keys
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = redisKeys(prefix)
  }
  async get(id: string) {
    const raw = await this.redis.get(this.keys.webSession(id))
    if (raw === null) return undefined
    const parsed = SessionData.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : undefined
  }
  async set(id: string, data: SessionData, ttlSeconds: number) {
    await this.redis.set(this.keys.webSession(id), JSON.stringify(data), 'EX', ttlSeconds)
  }
  async delete(id: string) {
    await this.redis.del(this.keys.webSession(id))
  }
  async ping() {
    return (await redisStatus(this.redis)) === 'ok'
  }
}

/** One process without Redis only (WEB_SESSION_STORE=memory): sessions die with the process and are not shared. */
export class MemorySessionStore implements SessionStore {
  private readonly map = new Map<string, { data: SessionData; expires: number }>()
  async get(id: string) {
    const entry = this.map.get(id)
    if (!entry) return undefined
    if (entry.expires <= Date.now()) {
      this.map.delete(id)
      return undefined
    }
    return entry.data
  }
  async set(id: string, data: SessionData, ttlSeconds: number) {
    this.map.set(id, { data, expires: Date.now() + ttlSeconds * 1000 })
  }
  async delete(id: string) {
    this.map.delete(id)
  }
  async ping() {
    return true
  }
}
