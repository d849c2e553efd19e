/**
 * Per-host politeness (issue: "one domain is never hammered"): at most `limit` requests in flight per host name
 * in this process. Waiters are served first in, first out. Several prober copies each apply their own limit.
 */
export class HostLimiter {
  private readonly active = new Map<string, number>()
  private readonly waiting = new Map<string, Array<() => void>>()

  constructor(private readonly limit: number) {}

  async acquire(host: string): Promise<() => void> {
    const n = this.active.get(host) ?? 0
    if (n < this.limit) {
      this.active.set(host, n + 1)
    } else {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(host) ?? []
        queue.push(resolve)
        this.waiting.set(host, queue)
      })
    }
    let released = false
    return () => {
      if (released) return
      released = true
      this.release(host)
    }
  }

  /** Requests in flight for a host (for tests). */
  inFlight(host: string): number {
    return this.active.get(host) ?? 0
  }

  /** Probes waiting for a slot on a host. */
  waitingFor(host: string): number {
    return this.waiting.get(host)?.length ?? 0
  }

  /** True when a host's slots are taken and at least as many probes again are queued for it. */
  isSaturated(host: string): boolean {
    return this.inFlight(host) >= this.limit && this.waitingFor(host) >= this.limit
  }

  private release(host: string): void {
    const queue = this.waiting.get(host)
    const next = queue?.shift()
    if (queue && queue.length === 0) this.waiting.delete(host)
    // the slot passes straight to the next waiter, so the active count stays the same
    if (next) {
      next()
      return
    }
    const n = (this.active.get(host) ?? 1) - 1
    if (n <= 0) this.active.delete(host)
    else this.active.set(host, n)
  }
}
