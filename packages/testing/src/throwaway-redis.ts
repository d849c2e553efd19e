import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { freePort } from './free-port.js'
import { listensOn, PortTakenError, retryOnPortTaken } from './port-owner.js'

export type ThrowawayRedisOptions = {
  /** `always` (tests that stop/start and must keep data), `everysec` (the compose default) or `no` (no AOF: a restart loses everything) */
  appendfsync?: 'always' | 'everysec' | 'no'
  port?: number
}

export type ThrowawayRedis = {
  url: string
  port: number
  dir: string
  start: () => Promise<void>
  /** SHUTDOWN NOSAVE: like a crash for an RDB-less server, the AOF keeps what was fsynced */
  stop: () => void
  /** SIGKILL: what `kill -9` or an OOM kill does */
  kill: () => void
  pid: () => number | undefined
  /** stops and deletes the data directory: the next start is empty (a failover to an empty replica, a lost volume) */
  wipe: () => void
  destroy: () => void
}

async function waitForPing(port: number): Promise<void> {
  // a listener that is not Redis (a port taken by another test) must not hold the probe: no ready check, a command timeout
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false, commandTimeout: 500 })
  try {
    for (const until = Date.now() + 5_000; Date.now() < until; ) {
      try {
        if (probe.status !== 'ready') await probe.connect()
        if ((await probe.ping()) === 'PONG') return
      } catch {
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    throw new Error('no PONG')
  } finally {
    probe.disconnect()
  }
}

/**
 * A private redis-server on a free port with its data in a temp dir, for outage tests and the chaos bench. It never
 * touches the shared Redis on 6379 (docs/RELIABILITY.md).
 */
export async function startThrowawayRedis(opts: ThrowawayRedisOptions = {}): Promise<ThrowawayRedis> {
  // a port of our own choosing that another process took meanwhile: choose again (a port the caller chose is theirs)
  return opts.port === undefined ? retryOnPortTaken(() => startOnce(opts)) : startOnce(opts)
}

async function startOnce(opts: ThrowawayRedisOptions): Promise<ThrowawayRedis> {
  const port = opts.port ?? (await freePort())
  let dir = mkdtempSync(join(tmpdir(), 'gl-redis-'))
  const fsync = opts.appendfsync ?? 'always'
  const pidFile = () => join(dir, 'redis.pid')
  const aof = fsync === 'no' ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', fsync]
  const start = async () => {
    execFileSync('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...aof,
      '--daemonize', 'yes', '--pidfile', pidFile(), '--logfile', join(dir, 'redis.log'),
    ])
    const answered = await waitForPing(port).then(
      () => true,
      () => false,
    )
    // another test's server may have taken the port after freePort picked it (and may even answer the PING)
    const p = pid()
    if (p === undefined || !listensOn(p, port)) throw new PortTakenError(`throwaway redis: port ${port} is not this server's`)
    if (!answered) throw new Error(`throwaway redis on ${port} did not answer`)
  }
  const pid = () => {
    try {
      return Number(readFileSync(pidFile(), 'utf8').trim()) || undefined
    } catch {
      return undefined
    }
  }
  const stop = () => {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore', timeout: 5_000 })
    } catch {
      // already stopped
    }
  }
  const kill = () => {
    const p = pid()
    if (p) {
      try {
        process.kill(p, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
  try {
    await start()
  } catch (err) {
    kill() // ours, if it started at all
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    get dir() {
      return dir
    },
    start,
    stop,
    kill,
    pid,
    wipe: () => {
      stop()
      kill()
      rmSync(dir, { recursive: true, force: true })
      dir = mkdtempSync(join(tmpdir(), 'gl-redis-'))
    },
    destroy: () => {
      stop()
      kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
