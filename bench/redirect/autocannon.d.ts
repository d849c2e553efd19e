// autocannon ships no types: the part of its promise API the redirect benchmark uses.
declare module 'autocannon' {
  type AutocannonResult = {
    requests: { average: number; total: number }
    latency: { p50: number; p99: number; average: number }
    '3xx': number
    non2xx: number
    errors: number
    timeouts: number
  }
  export default function autocannon(opts: Record<string, unknown>): Promise<AutocannonResult>
}
