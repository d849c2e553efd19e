import type { ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/**
 * Whether process `pid` holds the socket listening on 127.0.0.1:`port` (Linux: /proc/net/tcp names the socket's
 * inode, /proc/<pid>/fd links to it). A port picked by freePort is free only when picked: another test's server can
 * take it before the app binds, and then answers the app's /health in its place.
 */
export function listensOn(pid: number, port: number): boolean {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`
  const inode = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .find((f) => f[1] === local && f[3] === '0A')?.[9] // 0A: LISTEN
  if (inode === undefined) return false
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`
      } catch {
        return false // closed meanwhile
      }
    })
  } catch {
    return false // the process is gone
  }
}

/** A process could not bind its port: another took it after freePort picked it (startPlatform tries new ports). */
export class PortTakenError extends Error {}

/** Runs `start` again, up to `attempts` times in all, when it failed because another process took a port it picked. */
export async function retryOnPortTaken<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start()
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt >= attempts) throw err
    }
  }
}

/**
 * Waits until `child` itself listens on 127.0.0.1:`port` and GET `path` answers there (any status). When the child
 * exits or `timeoutMs` passes, kills it and throws: a PortTakenError when its output says EADDRINUSE.
 */
export async function waitForOwnServer(opts: {
  name: string
  child: ChildProcess
  port: number
  output: () => string
  path?: string
  timeoutMs?: number
}): Promise<void> {
  const { name, child, port } = opts
  const exited = () => child.exitCode !== null || child.signalCode !== null
  const answers = async () => {
    const res = await fetch(`http://127.0.0.1:${port}${opts.path ?? '/health'}`, { signal: AbortSignal.timeout(1_000) })
    await res.arrayBuffer()
    return true
  }
  const serving = async () => child.pid !== undefined && listensOn(child.pid, port) && (await answers().catch(() => false))
  const until = Date.now() + (opts.timeoutMs ?? 60_000)
  while (!(await serving())) {
    if (exited() || Date.now() > until) {
      const why = exited() ? 'exited' : 'timed out'
      child.kill('SIGKILL')
      if (opts.output().includes('EADDRINUSE')) throw new PortTakenError(`${name} could not bind port ${port}: taken by another process\n${opts.output()}`)
      throw new Error(`${name} did not start (${why})\n${opts.output()}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}
