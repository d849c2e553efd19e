// A local stand-in for many websites: one HTTP server on 127.0.0.1 that answers for any Host header and
// records how many requests each host name has in flight, so the benchmark can check the per-host limit.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export type HostsServer = {
  port: number
  /** Highest number of simultaneous requests seen per host name. */
  maxInFlight: Map<string, number>
  maxTotalInFlight: () => number
  requests: () => number
  close: () => Promise<void>
}

/** Answers 200 after `minDelayMs`–`maxDelayMs` (a site's think time), HEAD and GET alike. */
export async function startHostsServer(minDelayMs = 5, maxDelayMs = 25): Promise<HostsServer> {
  const inFlight = new Map<string, number>()
  const maxInFlight = new Map<string, number>()
  let total = 0
  let maxTotal = 0
  let requests = 0
  const server = createServer((req, res) => {
    const host = (req.headers.host ?? '').split(':')[0]!
    const n = (inFlight.get(host) ?? 0) + 1
    inFlight.set(host, n)
    if (n > (maxInFlight.get(host) ?? 0)) maxInFlight.set(host, n)
    total += 1
    maxTotal = Math.max(maxTotal, total)
    requests += 1
    setTimeout(
      () => {
        inFlight.set(host, inFlight.get(host)! - 1)
        total -= 1
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
      },
      minDelayMs + Math.random() * (maxDelayMs - minDelayMs),
    )
  })
  server.keepAliveTimeout = 10_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    maxInFlight,
    maxTotalInFlight: () => maxTotal,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
