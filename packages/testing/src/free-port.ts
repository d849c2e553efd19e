import { closeSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Below the kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range, 32768-60999 by default): a server
// that listens on port 0 and every outgoing connection get their ports from that range, never from this one.
const LOW = 20_000
const HIGH = 32_767
// A port handed out is kept from every other test process this long (a file per port): the server it was picked for
// binds it well within that. Without it, two processes could be handed the same port before either binds it.
const HOLD_MS = 120_000
const RESERVED = join(tmpdir(), 'ghostlink-test-ports')

function reserve(port: number): boolean {
  const file = join(RESERVED, String(port))
  try {
    closeSync(openSync(file, 'wx'))
    return true
  } catch {
    try {
      if (Date.now() - statSync(file).mtimeMs < HOLD_MS) return false
      unlinkSync(file) // an old reservation: its server has bound the port by now, or never will
      closeSync(openSync(file, 'wx'))
      return true
    } catch {
      return false
    }
  }
}

const canBind = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })

/**
 * A TCP port free right now on 127.0.0.1 and handed to no other test process for a while: for servers a test starts,
 * or as a port nothing listens on. Still only free when picked (anything outside the tests may take it), so
 * helpers that start a server check it is theirs (port-owner.ts; docs/decisions/2026-11-28-test-ports.md).
 */
export async function freePort(): Promise<number> {
  mkdirSync(RESERVED, { recursive: true })
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1))
    if (reserve(port) && (await canBind(port))) return port
  }
  throw new Error(`no free port in ${LOW}-${HIGH}`)
}
