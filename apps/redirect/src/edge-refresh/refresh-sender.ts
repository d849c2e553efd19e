import type { RedirectMetrics } from '@ghostlink/metrics'
import type { InvalidationListener } from '@ghostlink/redis'
import type { FastifyBaseLogger } from 'fastify'

// the codes the redirect route answers (routes/redirect.ts, request_fingerprints.short_code is varchar(64)); safe
// in a URL path as they are
const CODE = /^[A-Za-z0-9_-]{1,64}$/

export type EdgeRefreshSenderOptions = {
  /** EDGE_REFRESH_URL: the edge's internal refresh server, without trailing slash */
  baseUrl: string
  log: Pick<FastifyBaseLogger, 'warn'>
  refreshes: RedirectMetrics['edgeRefreshes']
  /** refreshes in flight at once */
  concurrency?: number
  /** refreshes waiting; beyond it a refresh is dropped (counted) */
  queueMax?: number
  timeoutMs?: number
}

export type EdgeRefreshSender = {
  /** Subscribe it to the link invalidations (open-deps.ts), next to the lookup's own listener. */
  listener: InvalidationListener
  /** Drops what waits, then waits for the refreshes in flight (each ends within timeoutMs). */
  close(): Promise<void>
}

/**
 * The edge refresh: on each invalidation of a code, ask the edge to re-fetch its cached answers for `/<code>` and
 * `/r/<code>` (GET <baseUrl><path>). The edge proxies that to a replica with `X-GhostLink-Edge-Refresh: 1`
 * (routes/refresh-answer.ts) and stores the answer in place of its entry, so a change is visible at the edge at once
 * although the edge keeps entries for several seconds. Every replica sends them (each got the invalidation); a
 * refresh is idempotent, so the duplicates cost the edge a request each and nothing else.
 *
 * Best effort: failures are logged at warn and counted, never thrown; an entry not refreshed ages out within the
 * edge's validity. `reset()` (the subscription reconnected, messages may have been lost) does nothing for the same
 * reason: which codes changed meanwhile is unknown, and their entries age out within the edge's validity.
 */
export function createEdgeRefreshSender(opts: EdgeRefreshSenderOptions): EdgeRefreshSender {
  const concurrency = opts.concurrency ?? 4
  const queueMax = opts.queueMax ?? 10_000
  const timeoutMs = opts.timeoutMs ?? 2_000
  const result = {
    ok: opts.refreshes.labels({ result: 'ok' }),
    error: opts.refreshes.labels({ result: 'error' }),
    dropped: opts.refreshes.labels({ result: 'dropped' }),
  }
  // paths waiting, in order; a path already waiting is not queued twice (the one waiting will read the latest state)
  const queue: string[] = []
  const waiting = new Set<string>()
  const inFlight = new Set<Promise<void>>()
  let closed = false

  function enqueue(path: string): void {
    if (waiting.has(path)) return
    if (queue.length >= queueMax) {
      result.dropped.inc()
      return
    }
    queue.push(path)
    waiting.add(path)
  }

  function pump(): void {
    while (!closed && inFlight.size < concurrency && queue.length > 0) {
      const path = queue.shift()!
      waiting.delete(path)
      const sent: Promise<void> = send(path).finally(() => {
        inFlight.delete(sent)
        pump()
      })
      inFlight.add(sent)
    }
  }

  async function send(path: string): Promise<void> {
    try {
      const res = await fetch(`${opts.baseUrl}${path}`, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) })
      await res.body?.cancel() // frees the kept-alive connection
      // the edge relays the replica's answer: a redirect, 404 or 410 is a refreshed entry; anything else is not
      if (res.status >= 400 && res.status !== 404 && res.status !== 410) throw new Error(`edge answered ${res.status}`)
      result.ok.inc()
    } catch (err) {
      result.error.inc()
      opts.log.warn({ err, path }, 'edge refresh failed')
    }
  }

  return {
    listener: {
      drop(code) {
        if (closed || !CODE.test(code)) return
        enqueue(`/${code}`)
        enqueue(`/r/${code}`)
        pump()
      },
      reset() {},
    },
    async close() {
      closed = true
      queue.length = 0
      waiting.clear()
      await Promise.allSettled([...inFlight])
    },
  }
}
