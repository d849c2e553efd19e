import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@ghostlink/testing'
import { Redis } from 'ioredis'


/**
 * A private redis-server on a free port, persisted with an fsync-always AOF in a temp dir so a stop/start keeps
 * the stream (like production's `--appendonly yes`). Never touches the shared Redis on 6379.
 */
export async function startThrowawayRedis() {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'gl-redis-'))
  const start = async () => {
    execFileSync('redis-server', ['--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'yes'])
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    for (let i = 0; i < 50; i++) {
      try {
        await probe.connect()
        if ((await probe.ping()) === 'PONG') break
      } catch {
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    probe.disconnect()
  }
  const stop = () => {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'shutdown'], { stdio: 'ignore' })
    } catch {
      // already stopped
    }
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}/0`,
    start,
    stop,
    destroy: () => {
      stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
