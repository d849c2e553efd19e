import { createServer } from 'node:net'

/** A TCP port free right now on 127.0.0.1 (bound, then closed): for servers a test starts, or as a port nothing listens on. */
export async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
  const { port } = srv.address() as { port: number }
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}
