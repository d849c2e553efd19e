import { isIP } from 'node:net'
import type { HealthStatus } from '@ghostlink/db'
import { type Dispatcher, request } from 'undici'
import type { AddressPolicy } from './address-policy.js'
import { BlockedAddressError, type Resolver } from './guarded-lookup.js'
import type { HostLimiter } from './host-limiter.js'

export type ProbeResult = {
  health_status: HealthStatus
  status_code: number | null
  latency_ms: number | null
  redirect_chain_length: number
  error: string | null
}

export type ProbeDeps = {
  dispatcher: Dispatcher
  policy: AddressPolicy
  limiter: HostLimiter
  timeoutMs: number
  maxRedirects: number
  userAgent?: string
  /**
   * The resolver the dispatcher's lookup uses (cachingResolver). Given, each host is resolved and checked before the
   * connection starts, so a refused host reads REFUSED however slow DNS is, never DEAD "connect timeout".
   */
  resolve?: Resolver
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

class ProbeFailure extends Error {
  constructor(
    readonly status: HealthStatus,
    message: string,
  ) {
    super(message)
  }
}

const errorCode = (err: unknown): string | undefined => {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null
  const code = e?.code ?? e?.cause?.code
  return typeof code === 'string' ? code : undefined
}

/** docs/CONTRACT.md#c-5-1 for exceptions: TLS → SSL_INVALID, anything else → DEAD; plus REFUSED for the SSRF guard. */
function classifyError(err: unknown, timedOut: boolean): { status: HealthStatus; error: string } {
  if (err instanceof ProbeFailure) return { status: err.status, error: err.message }
  const cause = (err as { cause?: unknown } | null)?.cause
  const blocked = err instanceof BlockedAddressError ? err : cause instanceof BlockedAddressError ? cause : null
  if (blocked) return { status: 'REFUSED', error: blocked.message }
  if (timedOut) return { status: 'DEAD', error: 'timeout' }
  const code = errorCode(err) ?? 'ERROR'
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return { status: 'SSL_INVALID', error: code }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return { status: 'DEAD', error: 'connect timeout' }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return { status: 'DEAD', error: 'timeout' }
  return { status: 'DEAD', error: code }
}

/**
 * The probe's total timeout. It starts when the first request actually goes out, not when the probe starts
 * waiting for a per-host slot: a busy host must not turn the probes queued behind it into false DEADs.
 */
class Deadline {
  private readonly controller = new AbortController()
  private timer: NodeJS.Timeout | undefined
  private startedAt: number | undefined
  timedOut = false

  constructor(private readonly ms: number) {}

  get signal(): AbortSignal {
    return this.controller.signal
  }

  start(): void {
    if (this.startedAt !== undefined) return
    this.startedAt = performance.now()
    this.timer = setTimeout(() => {
      this.timedOut = true
      this.controller.abort(new Error('probe timeout'))
    }, this.ms)
  }

  elapsedMs(): number {
    return this.startedAt === undefined ? 0 : performance.now() - this.startedAt
  }

  clear(): void {
    clearTimeout(this.timer)
  }
}

/** Resolves within the probe's timeout; DNS slowness is DEAD "dns timeout", never a connect timeout. */
async function resolveWithin(resolve: Resolver, host: string, ms: number) {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeFailure('DEAD', 'dns timeout')), ms)
  })
  try {
    return await Promise.race([resolve(host), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Checks a hop before any connection: scheme, IP literals (which net.connect never passes to the lookup) and, with
 * `deps.resolve`, every address of a host name (the guarded lookup checks the same answer again at connect).
 */
async function checkHop(url: URL, deps: ProbeDeps): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ProbeFailure('DEAD', `unsupported scheme ${url.protocol}`)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host)) {
    const category = deps.policy(host)
    if (category) throw new ProbeFailure('REFUSED', `refused ${host} (${category})`)
    return
  }
  if (!deps.resolve) return
  for (const a of await resolveWithin(deps.resolve, host, deps.timeoutMs)) {
    const category = deps.policy(a.address)
    if (category) throw new BlockedAddressError(host, a.address, category)
  }
}

/**
 * One request: HEAD, or GET when the site refuses HEAD (405/501). The body is drained, never kept.
 * undici closes the connection after a HEAD (interop with servers that send a body anyway), so each probe
 * opens a fresh connection: that is also what a probe of a different site costs, and the per-host limit caps it.
 */
async function hop(url: URL, deps: ProbeDeps, deadline: Deadline): Promise<{ status: number; location: string | undefined }> {
  const release = await deps.limiter.acquire(url.hostname)
  deadline.start()
  const signal = deadline.signal
  try {
    const headers = { 'user-agent': deps.userAgent ?? 'GhostLink-LinkHealth/1.0' }
    let res = await request(url, { method: 'HEAD', dispatcher: deps.dispatcher, signal, headers })
    if (res.statusCode === 405 || res.statusCode === 501) {
      await res.body.dump()
      res = await request(url, { method: 'GET', dispatcher: deps.dispatcher, signal, headers })
    }
    await res.body.dump({ limit: 64 * 1024 })
    const location = res.headers.location
    return { status: res.statusCode, location: Array.isArray(location) ? location[0] : location }
  } finally {
    release()
  }
}

/**
 * Probes one destination following redirects by hand (each hop is checked by the SSRF guard and counted).
 * Classification (docs/CONTRACT.md#c-5-1): final 400–599 → DEAD; more than 2 redirects → CHAINED; else OK.
 * More than maxRedirects hops → DEAD. Errors give null status and latency, chain 0, as the original did.
 */
export async function probeUrl(target: string, deps: ProbeDeps): Promise<ProbeResult> {
  const deadline = new Deadline(deps.timeoutMs)
  try {
    let url = new URL(target)
    let chain = 0
    for (;;) {
      await checkHop(url, deps)
      const { status, location } = await hop(url, deps, deadline)
      if (REDIRECTS.has(status) && location) {
        if (chain >= deps.maxRedirects) throw new ProbeFailure('DEAD', `more than ${deps.maxRedirects} redirects`)
        chain += 1
        url = new URL(location, url)
        continue
      }
      const latency_ms = Math.round(deadline.elapsedMs())
      const health_status: HealthStatus = status >= 400 && status <= 599 ? 'DEAD' : chain > 2 ? 'CHAINED' : 'OK'
      return { health_status, status_code: status, latency_ms, redirect_chain_length: chain, error: null }
    }
  } catch (err) {
    const { status, error } = classifyError(err, deadline.timedOut)
    return { health_status: status, status_code: null, latency_ms: null, redirect_chain_length: 0, error: error.slice(0, 255) }
  } finally {
    deadline.clear()
  }
}
