import { createServer } from 'node:net'

/** A TCP port free right now on 127.0.0.1 (bound, then closed): for servers a test starts, or as a port nothing listens on. */
export async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
  const { port } = srv.address() as { port: number }
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

/** Polls `fn` every 25 ms until it returns a truthy value, which it returns; throws after `ms`. */
export async function waitForValue<T>(fn: () => Promise<T | undefined | null | false>, ms = 5_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > until) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 25))
  }
}
