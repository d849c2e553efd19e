import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type Handler = (req: IncomingMessage, res: ServerResponse) => void
export type TestServer = {
  origin: string
  port: number
  requests: Array<{ method: string; url: string; host: string }>
  close: () => Promise<void>
}

async function listen(server: Server, scheme: 'http' | 'https', handlerLog: TestServer['requests']): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `${scheme}://127.0.0.1:${port}`,
    port,
    requests: handlerLog,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A local HTTP server on 127.0.0.1:<random port> that records every request it sees. */
export function startServer(handler: Handler): Promise<TestServer> {
  const log: TestServer['requests'] = []
  const server = createHttpServer((req, res) => {
    log.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '' })
    handler(req, res)
  })
  return listen(server, 'http', log)
}

/** An HTTPS server with a freshly generated self-signed certificate (openssl), so TLS verification fails. */
export function startSelfSignedServer(handler: Handler): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gl-cert-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    const log: TestServer['requests'] = []
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      log.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '' })
      handler(req, res)
    })
    return listen(server, 'https', log)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Routes used by the probe tests: status codes, HEAD refusal, redirect chains, a private redirect and a hang. */
export const probeRoutes: Handler = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x')
  const path = url.pathname
  if (path === '/ok') return res.writeHead(200).end('ok')
  if (path === '/missing') return res.writeHead(404).end()
  if (path === '/gone') return res.writeHead(410).end()
  if (path === '/no-head') return res.writeHead(req.method === 'HEAD' ? 405 : 200).end(req.method === 'HEAD' ? undefined : 'got')
  if (path === '/no-head-dead') return res.writeHead(req.method === 'HEAD' ? 501 : 404).end()
  const hops = path.match(/^\/chain\/(\d+)$/)
  if (hops) {
    const n = Number(hops[1])
    return n === 0 ? res.writeHead(200).end() : res.writeHead(302, { location: `/chain/${n - 1}` }).end()
  }
  if (path === '/to') return res.writeHead(301, { location: url.searchParams.get('u') ?? '/' }).end()
  if (path === '/hang') return // never answers: the probe's total timeout must end it
  res.writeHead(500).end()
}
