// Issue 13 items 4 and 7: the edge enforces the API's body limits per route (bulk import larger) with a JSON 413, and
// every error nginx generates itself (400, 405, 413, 414, 429, 502-504) is the JSON envelope, never nginx's HTML page.
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { loadConfig } from '@ghostlink/config'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEMPLATE_PATH } from '../scripts/render-nginx.mjs'
import { type EdgeNginx, startNginx } from './helpers/nginx.js'
import { freePort } from './helpers/ports.js'

/** An upstream that reads the whole body and reports its size. */
async function startCountingUpstream(): Promise<{ address: string; server: Server }> {
  const server = createServer((req, res) => {
    let bytes = 0
    req.on('data', (c: Buffer) => {
      bytes += c.length
    })
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ url: req.url, bytes }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

/** A raw HTTP/1.1 exchange (fetch refuses to send malformed requests). */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end(request))
    let out = ''
    s.on('data', (c) => {
      out += c.toString('latin1')
    })
    s.on('end', () => resolve(out))
    s.on('error', reject)
  })
}

const jsonBody = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))
const MiB = 1_048_576

describe('edge body limits and nginx error envelope', () => {
  let up: { address: string; server: Server }
  let edge: EdgeNginx
  let deadPort: number

  beforeAll(async () => {
    up = await startCountingUpstream()
    deadPort = await freePort() // nothing listens: a 502
    edge = await startNginx({
      API_UPSTREAM: up.address,
      REDIRECT_UPSTREAM_1: `127.0.0.1:${deadPort}`,
      REDIRECT_UPSTREAM_2: `127.0.0.1:${deadPort}`,
      RATE_LIMIT_API: '10000r/s',
      RATE_LIMIT_WRITE: '10000r/s',
    })
  })
  afterAll(async () => {
    await edge?.stop()
    up?.server.close()
  })

  const post = (path: string, bytes: number) =>
    fetch(`${edge.url}${path}`, { method: 'POST', body: Buffer.alloc(bytes, 'a'), headers: { 'content-type': 'text/csv' } })

  it('the template holds the limits of packages/config (BODY_LIMIT_BYTES, BULK_BODY_LIMIT_BYTES + 64 KiB framing)', () => {
    const config = loadConfig({})
    const template = readFileSync(TEMPLATE_PATH, 'utf8')
    expect(config.BODY_LIMIT_BYTES).toBe(MiB)
    expect(template).toMatch(/^\s*client_max_body_size 1m;/m)
    expect(template).toContain(`client_max_body_size ${config.BULK_BODY_LIMIT_BYTES / 1024 + 64}k;`)
  })

  it('a body over 1 MiB is a JSON 413 at the edge on every API route, the upstream never sees it', async () => {
    for (const path of ['/shorten', '/users', '/urls/1', '/events']) {
      const res = await post(path, MiB + 1)
      expect(res.status, path).toBe(413)
      expect(res.headers.get('content-type')).toContain('application/json')
      expect(await res.json()).toEqual({ error: 'Payload too large', code: 413 })
    }
    const ok = await post('/shorten', MiB)
    expect(await ok.json()).toEqual({ url: '/shorten', bytes: MiB })
  })

  it('POST /users/bulk accepts the bulk limit (20 MiB + framing) and refuses more with a JSON 413', async () => {
    const ok = await post('/users/bulk', 20 * MiB)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ url: '/users/bulk', bytes: 20 * MiB })
    const big = await post('/users/bulk', 21 * MiB)
    expect(big.status).toBe(413)
    expect(await big.json()).toEqual({ error: 'Payload too large', code: 413 })
  })

  it('414, 400 (malformed and header too large) and 405 (TRACE) are JSON', async () => {
    const long = await fetch(`${edge.url}/${'a'.repeat(20_000)}`)
    expect(long.status).toBe(414)
    expect(await long.json()).toEqual({ error: 'URI too long', code: 414 })

    const bigHeader = await fetch(`${edge.url}/shorten`, { headers: { cookie: 'c='.padEnd(20_000, 'x') } })
    expect(bigHeader.status).toBe(400)
    expect(await bigHeader.json()).toEqual({ error: 'Bad request', code: 400 })

    const malformed = await raw(edge.port, 'POST /shorten HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n')
    expect(malformed).toMatch(/^HTTP\/1.1 400/)
    expect(malformed).toMatch(/content-type: application\/json/i)
    expect(jsonBody(malformed)).toEqual({ error: 'Bad request', code: 400 })

    const garbage = await raw(edge.port, 'NOT-HTTP\r\n\r\n')
    expect(garbage).toMatch(/^HTTP\/1.1 400/)
    expect(jsonBody(garbage)).toEqual({ error: 'Bad request', code: 400 })

    const trace = await raw(edge.port, 'TRACE /shorten HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(trace).toMatch(/^HTTP\/1.1 405/)
    expect(jsonBody(trace)).toEqual({ error: 'Method not allowed', code: 405 })
  })

  it('502 from a dead upstream is JSON', async () => {
    const res = await fetch(`${edge.url}/abc123`, { redirect: 'manual' })
    expect(res.status).toBe(502)
    expect(await res.json()).toEqual({ error: 'Bad gateway', code: 502 })
  })
})
