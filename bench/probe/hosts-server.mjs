// A local stand-in for many websites, run as a child process so its CPU is not the prober's: one HTTP server on
// 127.0.0.1 that answers for any Host header after a short think time, and records the most simultaneous requests
// each host name saw, so the benchmark can check the per-host limit. Talks to the parent over IPC.
import { createServer } from 'node:http'

const MIN_DELAY_MS = 5
const MAX_DELAY_MS = 25
const inFlight = new Map()
const maxInFlight = new Map()
let total = 0
let maxTotal = 0
let requests = 0

const server = createServer((req, res) => {
  const host = (req.headers.host ?? '').split(':')[0]
  const n = (inFlight.get(host) ?? 0) + 1
  inFlight.set(host, n)
  if (n > (maxInFlight.get(host) ?? 0)) maxInFlight.set(host, n)
  total += 1
  maxTotal = Math.max(maxTotal, total)
  requests += 1
  setTimeout(
    () => {
      inFlight.set(host, inFlight.get(host) - 1)
      total -= 1
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    },
    MIN_DELAY_MS + Math.random() * (MAX_DELAY_MS - MIN_DELAY_MS),
  )
})
server.keepAliveTimeout = 10_000

process.on('message', (msg) => {
  if (msg === 'stats') process.send({ type: 'stats', maxInFlight: Object.fromEntries(maxInFlight), maxTotal, requests })
  if (msg === 'stop') {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  }
})
server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }))
