// A closed-loop load on the edge: `connections` loops, each requesting the codes round-robin with a bounded
// timeout. Every request is counted: a 302 is served; anything else (other status, reset, timeout) failed.
export type LoadCounts = { served302: number; failed: number; statuses: Record<string, number> }

export function startLoad(edge: string, codes: string[], connections: number) {
  const counts: LoadCounts = { served302: 0, failed: 0, statuses: {} }
  let running = true
  const loop = async (k: number) => {
    let i = k
    while (running) {
      const code = codes[i++ % codes.length]!
      try {
        const res = await fetch(`${edge}/${code}`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) })
        await res.arrayBuffer()
        if (res.status === 302) counts.served302++
        else {
          counts.failed++
          counts.statuses[res.status] = (counts.statuses[res.status] ?? 0) + 1
        }
      } catch (err) {
        counts.failed++
        const why = (err as { cause?: { code?: string }; name?: string }).cause?.code ?? (err as Error).name
        counts.statuses[why] = (counts.statuses[why] ?? 0) + 1
      }
    }
  }
  const loops = Array.from({ length: connections }, (_, k) => loop(k))
  return {
    counts,
    /** stops issuing requests and waits for those in flight */
    stop: async () => {
      running = false
      await Promise.all(loops)
      return counts
    },
  }
}
