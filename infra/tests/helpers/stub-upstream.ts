import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export type Stub = { name: string; address: string; close: () => Promise<void> }

/** A tiny upstream that answers every request with JSON naming itself and echoing what nginx forwarded. */
export async function startStub(name: string, status = 200): Promise<Stub> {
  const server: Server = createServer((req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ upstream: name, method: req.method, url: req.url, xff: req.headers['x-forwarded-for'] ?? null, proto: req.headers['x-forwarded-proto'] ?? null }))
  })
  server.keepAliveTimeout = 70_000
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    name,
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
