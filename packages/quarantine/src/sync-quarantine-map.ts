import type { Db } from '@ghostlink/db'
import { type LinkInvalidation, redisKeys } from '@ghostlink/redis'
import type { Redis } from 'ioredis'
import { invalidatorOf } from './invalidator.js'
import { listQuarantine } from './list-quarantine.js'
import { parseNginxMap, renderNginxMap } from './render-nginx-map.js'
import { type ReloadCoalescer, sharedReloadCoalescer } from './reload-coalescer.js'
import type { ReloadResult } from './run-reload-command.js'
import { readTextOrNull, writeFileAtomic } from './write-file-atomic.js'

export type SyncQuarantineDeps = {
  db: Db
  redis?: Redis
  prefix: string
  /** the redirect tier's invalidation (default: Redis pub/sub on `redis`) */
  invalidation?: LinkInvalidation
  /** QUARANTINE_MAP_FILE */
  mapFile: string
  /** NGINX_RELOAD_CMD; empty = no reload */
  reloadCommand: string
  /** coalesces reloads (default: the process-wide one for this command, at most one reload per 5 s) */
  reloader?: ReloadCoalescer
}

export type SyncResult = { codes: number; written: boolean; added: string[]; removed: string[]; reload: ReloadResult }

/**
 * Renders the Postgres list to the Nginx map file and tells the redirect tier. Idempotent: when the file already
 * matches, nothing is written or reloaded, so it can run on a timer as well as after each change. Codes that
 * differ from the previous file are invalidated (covers rows changed behind the API's back), and the Redis
 * mirror set is replaced as a whole.
 */
export async function syncQuarantineMap(deps: SyncQuarantineDeps): Promise<SyncResult> {
  const list = (await listQuarantine(deps.db)).map((r) => r.short_code)
  const text = renderNginxMap(list)
  const previous = await readTextOrNull(deps.mapFile)
  const before = parseNginxMap(previous ?? '')
  const now = new Set(list)
  const added = list.filter((c) => !before.has(c))
  const removed = [...before].filter((c) => !now.has(c))

  await mirrorToRedis(deps, list)
  if (previous === text) return { codes: list.length, written: false, added, removed, reload: { ran: false } }

  await writeFileAtomic(deps.mapFile, text)
  const reload = await (deps.reloader ?? sharedReloadCoalescer(deps.reloadCommand)).request(deps.reloadCommand)
  const invalidation = invalidatorOf(deps)
  for (const code of [...added, ...removed]) await invalidation.invalidate(code)
  return { codes: list.length, written: true, added, removed, reload }
}

async function mirrorToRedis(deps: SyncQuarantineDeps, codes: string[]): Promise<void> {
  if (deps.redis?.status !== 'ready') return
  const key = redisKeys(deps.prefix).quarantine
  try {
    const tx = deps.redis.multi().del(key)
    if (codes.length > 0) tx.sadd(key, ...codes)
    await tx.exec()
  } catch {
    // best effort: Postgres stays the source of truth
  }
}
