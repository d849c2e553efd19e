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
