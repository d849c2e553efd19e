import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net'
import type { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AddressPolicy, allowAll, classifyAddress, publicOnly } from '../../src/probe/address-policy.js'
import type { Resolver } from '../../src/probe/guarded-lookup.js'
import { HostLimiter } from '../../src/probe/host-limiter.js'
import { createProbeAgent } from '../../src/probe/probe-agent.js'
import { type ProbeDeps, probeUrl } from '../../src/probe/probe-url.js'
import { probeRoutes, startSelfSignedServer, startServer, type TestServer } from '../helpers/servers.js'

const agents: Agent[] = []
function deps(policy: AddressPolicy, over: Partial<ProbeDeps> & { resolver?: Resolver; connectTimeoutMs?: number } = {}): ProbeDeps {
  const timeoutMs = over.timeoutMs ?? 2_000
  const dispatcher = createProbeAgent({ policy, connectTimeoutMs: over.connectTimeoutMs ?? 1_000, timeoutMs, resolver: over.resolver })
  agents.push(dispatcher)
  return { dispatcher, policy, limiter: over.limiter ?? new HostLimiter(4), timeoutMs, maxRedirects: over.maxRedirects ?? 10 }
}

// test names resolve to loopback only through this resolver; anything else is "not found"
const testResolver =
  (table: Record<string, string>): Resolver =>
  async (host) => {
    const address = table[host]
    if (!address) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
    return [{ address, family: address.includes(':') ? 6 : 4 }]
  }

let web: TestServer
let tls: TestServer
beforeAll(async () => {
  web = await startServer(probeRoutes)
  tls = await startSelfSignedServer((_req, res) => res.writeHead(200).end())
})
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()))
  await web.close()
  await tls.close()
})

describe('probeUrl classification (PROBE_ALLOW_PRIVATE on)', () => {
  const d = () => deps(allowAll)

  it.each([
    ['200', '/ok', { health_status: 'OK', status_code: 200, redirect_chain_length: 0 }],
    ['404', '/missing', { health_status: 'DEAD', status_code: 404, redirect_chain_length: 0 }],
    ['410', '/gone', { health_status: 'DEAD', status_code: 410, redirect_chain_length: 0 }],
    ['405 on HEAD, 200 on GET', '/no-head', { health_status: 'OK', status_code: 200, redirect_chain_length: 0 }],
    ['501 on HEAD, 404 on GET', '/no-head-dead', { health_status: 'DEAD', status_code: 404, redirect_chain_length: 0 }],
    ['2 redirects', '/chain/2', { health_status: 'OK', status_code: 200, redirect_chain_length: 2 }],
    ['3 redirects', '/chain/3', { health_status: 'CHAINED', status_code: 200, redirect_chain_length: 3 }],
    ['a 5-hop chain', '/chain/5', { health_status: 'CHAINED', status_code: 200, redirect_chain_length: 5 }],
    ['exactly 10 redirects', '/chain/10', { health_status: 'CHAINED', status_code: 200, redirect_chain_length: 10 }],
    ['a redirect to a 404', `/to?u=/missing`, { health_status: 'DEAD', status_code: 404, redirect_chain_length: 1 }],
  ])('%s', async (_name, path, expected) => {
    const result = await probeUrl(`${web.origin}${path}`, d())
    expect(result).toMatchObject({ ...expected, error: null })
    expect(result.latency_ms).toBeGreaterThanOrEqual(0)
  })

  it('falls back to GET only after the site refuses HEAD', async () => {
    const before = web.requests.length
    await probeUrl(`${web.origin}/no-head`, d())
    expect(web.requests.slice(before).map((r) => r.method)).toEqual(['HEAD', 'GET'])
    const mid = web.requests.length
    await probeUrl(`${web.origin}/ok`, d())
    expect(web.requests.slice(mid).map((r) => r.method)).toEqual(['HEAD'])
  })

  it('gives up after more than 10 redirects (DEAD, chain reset as for any error)', async () => {
    const result = await probeUrl(`${web.origin}/chain/11`, d())
    expect(result).toMatchObject({
      health_status: 'DEAD',
      status_code: null,
      latency_ms: null,
      redirect_chain_length: 0,
      error: 'more than 10 redirects',
    })
  })

  it('ends a hanging response at the total timeout (DEAD, timeout)', async () => {
    const started = Date.now()
    const result = await probeUrl(`${web.origin}/hang`, deps(allowAll, { timeoutMs: 300 }))
    const elapsed = Date.now() - started
    expect(result).toMatchObject({ health_status: 'DEAD', status_code: null, error: 'timeout' })
    expect(elapsed).toBeGreaterThanOrEqual(280)
    expect(elapsed).toBeLessThan(1_500)
  })

  it('classifies a self-signed certificate as SSL_INVALID', async () => {
    const result = await probeUrl(`${tls.origin}/`, d())
    expect(result).toMatchObject({ health_status: 'SSL_INVALID', status_code: null, latency_ms: null, redirect_chain_length: 0 })
    expect(result.error).toMatch(/SELF_SIGNED|CERT/)
    expect(tls.requests).toHaveLength(0)
  })

  it('classifies a refused connection and an unknown host as DEAD', async () => {
    const closed = await startServer(() => {})
    const port = closed.port
    await closed.close()
    expect(await probeUrl(`http://127.0.0.1:${port}/`, d())).toMatchObject({ health_status: 'DEAD', error: 'ECONNREFUSED' })
    const unknown = await probeUrl('http://nowhere.invalid/', deps(allowAll, { resolver: testResolver({}) }))
    expect(unknown).toMatchObject({ health_status: 'DEAD', error: 'ENOTFOUND' })
  })

  it('reports a non-http scheme as DEAD without a request', async () => {
    expect(await probeUrl('ftp://127.0.0.1/file', d())).toMatchObject({ health_status: 'DEAD', error: 'unsupported scheme ftp:' })
  })

  it('ends a connection whose handshake never completes at the connect timeout', async () => {
    // a TCP server that accepts and stays silent: for https, undici's connect timeout runs until the TLS handshake ends
    const sockets: Socket[] = []
    const silent = createNetServer((s) => sockets.push(s))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as AddressInfo
    const started = Date.now()
    const result = await probeUrl(`https://127.0.0.1:${port}/`, deps(allowAll, { connectTimeoutMs: 200, timeoutMs: 5_000 }))
    const elapsed = Date.now() - started
    for (const s of sockets) s.destroy()
    await new Promise((resolve) => silent.close(resolve))
    expect(result).toMatchObject({ health_status: 'DEAD', status_code: null, error: 'connect timeout' })
    expect(elapsed).toBeGreaterThanOrEqual(180)
    expect(elapsed).toBeLessThan(2_000)
  })
})

describe('SSRF guard (PROBE_ALLOW_PRIVATE off)', () => {
  it.each([
    ['an IPv4 loopback literal', (o: TestServer) => `http://127.0.0.1:${o.port}/ok`],
    ['an IPv6 loopback literal', (o: TestServer) => `http://[::1]:${o.port}/ok`],
    ['an IPv4-mapped IPv6 literal', (o: TestServer) => `http://[::ffff:127.0.0.1]:${o.port}/ok`],
    ['a decimal IPv4 host', (o: TestServer) => `http://2130706433:${o.port}/ok`],
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a name resolving to loopback', (o: TestServer) => `http://localhost:${o.port}/ok`],
  ])('refuses %s without connecting', async (_name, target) => {
    const before = web.requests.length
    const result = await probeUrl(target(web), deps(publicOnly))
    expect(result).toMatchObject({ health_status: 'REFUSED', status_code: null })
    expect(result.error).toMatch(/^refused/)
    expect(web.requests.length).toBe(before)
  })

  // only 127.0.0.1 itself is let through here, so the test server is reachable but every other private range is not
  const loopbackOnly: AddressPolicy = (a) => (a === '127.0.0.1' ? null : classifyAddress(a))

  it.each([
    ['a private IPv4 literal', 'http://10.0.0.7/admin'],
    ['the metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['a mapped IPv6 private literal', 'http://[::ffff:192.168.1.1]/'],
    ['a name resolving to a private address', 'http://intranet.test/'],
    ['a name resolving to a link-local IPv6 address', 'http://ll.test/'],
  ])('refuses a redirect into %s at that hop', async (_name, location) => {
    const resolver = testResolver({ 'public.test': '127.0.0.1', 'intranet.test': '192.168.1.20', 'll.test': 'fe80::1' })
    const target = `http://public.test:${web.port}/to?u=${encodeURIComponent(location)}`
    const before = web.requests.length
    const result = await probeUrl(target, deps(loopbackOnly, { resolver }))
    expect(result).toMatchObject({ health_status: 'REFUSED', status_code: null })
    // the first hop went out; the private one never did
    expect(web.requests.slice(before).map((r) => r.url)).toEqual([`/to?u=${encodeURIComponent(location)}`])
  })

  it('refuses a name when any of its addresses is private (no mixed answers)', async () => {
    const resolver: Resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.1', family: 4 },
    ]
    const result = await probeUrl('http://mixed.test/', deps(publicOnly, { resolver }))
    expect(result).toMatchObject({ health_status: 'REFUSED', error: 'refused mixed.test -> 10.0.0.1 (private)' })
  })
})

describe('per-host limit', () => {
  it('starts the timeout when the request goes out, not while it waits for a slot on a busy host', async () => {
    const slow = await startServer((_req, res) => setTimeout(() => res.writeHead(200).end(), 150))
    const d = deps(allowAll, { resolver: testResolver({ 'busy.test': '127.0.0.1' }), limiter: new HostLimiter(1), timeoutMs: 400 })
    // one slot, 150 ms each: the fourth probe waits ~450 ms for its turn, longer than the 400 ms timeout
    const results = await Promise.all([0, 1, 2, 3].map((i) => probeUrl(`http://busy.test:${slow.port}/${i}`, d)))
    await slow.close()
    expect(results.map((r) => r.health_status)).toEqual(['OK', 'OK', 'OK', 'OK'])
    expect(Math.max(...results.map((r) => r.latency_ms!))).toBeLessThan(400)
  })

  it('never has more than the limit in flight to one host, while other hosts proceed', async () => {
    let inFlight = new Map<string, number>()
    let max = new Map<string, number>()
    const slow = await startServer((req, res) => {
      const host = req.headers.host!.split(':')[0]!
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1)
      max.set(host, Math.max(max.get(host) ?? 0, inFlight.get(host)!))
      setTimeout(() => {
        inFlight.set(host, inFlight.get(host)! - 1)
        res.writeHead(200).end()
      }, 30)
    })
    inFlight = new Map()
    max = new Map()
    const resolver = testResolver({ 'a.test': '127.0.0.1', 'b.test': '127.0.0.1' })
    const d = deps(allowAll, { resolver, limiter: new HostLimiter(2) })
    const targets = [...Array(12)].map((_, i) => `http://${i < 10 ? 'a' : 'b'}.test:${slow.port}/${i}`)
    const results = await Promise.all(targets.map((t) => probeUrl(t, d)))
    await slow.close()
    expect(results.every((r) => r.health_status === 'OK')).toBe(true)
    expect(max.get('a.test')).toBe(2)
    expect(max.get('b.test')).toBe(2)
  })
})
