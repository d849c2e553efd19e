import type { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AddressPolicy, allowAll, publicOnly } from '../../src/probe/address-policy.js'
import { cachingResolver, type Resolver } from '../../src/probe/guarded-lookup.js'
import { HostLimiter } from '../../src/probe/host-limiter.js'
import { createProbeAgent } from '../../src/probe/probe-agent.js'
import { type ProbeDeps, probeUrl } from '../../src/probe/probe-url.js'
import { probeRoutes, startServer, type TestServer } from '../helpers/servers.js'

// Issue 13 item 9: during busy sweeps DNS answers slowly (dns.lookup queues on libuv's 4 threads); the lookup ran
// inside undici's connect timer, so a refused host read DEAD "connect timeout". Refused must read REFUSED.
const agents: Agent[] = []
let web: TestServer
let lookups = 0

// answers well after the connect timeout below (undici's connect timer has a coarse resolution below ~1 s)
const DNS_MS = 2_500
const CONNECT_TIMEOUT_MS = 1_000
const slowResolver: Resolver = async (host) => {
  lookups++
  await new Promise((r) => setTimeout(r, DNS_MS))
  if (host === 'internal.test' || host === 'site.test') return [{ address: '127.0.0.1', family: 4 }]
  throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
}

function deps(policy: AddressPolicy, withPreCheck = true): ProbeDeps {
  const resolve = cachingResolver(slowResolver)
  const dispatcher = createProbeAgent({ policy, connectTimeoutMs: CONNECT_TIMEOUT_MS, timeoutMs: 6_000, resolver: resolve })
  agents.push(dispatcher)
  return { dispatcher, policy, limiter: new HostLimiter(50), timeoutMs: 6_000, maxRedirects: 5, ...(withPreCheck ? { resolve } : {}) }
}

beforeAll(async () => {
  web = await startServer(probeRoutes)
})
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()))
  await web.close()
})

describe('slow DNS', () => {
  it('the old path (lookup inside the connect timer) misread a refused host: the failure this fixes', async () => {
    const result = await probeUrl('http://internal.test/', deps(publicOnly, false))
    expect(result).toMatchObject({ health_status: 'DEAD', error: 'connect timeout' })
  })

  it('20 concurrent probes of a host resolving to loopback all read REFUSED', async () => {
    const d = deps(publicOnly)
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => probeUrl(`http://internal.test/p${i}`, d)))
    for (const r of results) expect(r).toMatchObject({ health_status: 'REFUSED', status_code: null })
    expect(results[0]!.error).toBe('refused internal.test -> 127.0.0.1 (loopback)')
  })

  it('an allowed host behind slow DNS is probed OK, resolved once for the check and the connect', async () => {
    const d = deps(allowAll)
    lookups = 0
    const result = await probeUrl(`http://site.test:${new URL(web.origin).port}/ok`, d)
    expect(result).toMatchObject({ health_status: 'OK', status_code: 200, error: null })
    expect(lookups).toBe(1)
  })

  it('an unknown host is still DEAD with the resolver error', async () => {
    const result = await probeUrl('http://nowhere.test/', deps(publicOnly))
    expect(result).toMatchObject({ health_status: 'DEAD', error: 'ENOTFOUND' })
  })
})
