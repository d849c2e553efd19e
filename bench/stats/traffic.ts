import type { ClickBatch, ClickRecord } from '@ghostlink/clicks'

const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'curl/8.5.0',
  'python-requests/2.32.3',
]
const REFERRERS = [null, null, null, 'https://www.google.com/', 'https://t.co/x', 'https://news.ycombinator.com/item?id=1', 'https://www.reddit.com/r/x/']

/**
 * The click traffic both statistics benches write (bench/stats/run.ts, profile.ts): links 1–1000 by popularity
 * (Zipf, s = 1: the hot link takes 13 %, as short-link traffic is), 90 % redirects and 10 % unknown codes, 10 user
 * agents of which 4 bots, 7 referrers (3 of them none), 20 000 client addresses; links 1–10 are owned by user 1.
 * Returns a maker of `batches` click batches of `records` each, with ids `<idPrefix>:<n>`.
 */
export function clickTraffic(random: () => number, idPrefix: string) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const clients = Array.from({ length: 20_000 }, () => `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`)
  const cdf: number[] = []
  const harmonic = Array.from({ length: 1000 }, (_, i) => 1 / (i + 1))
  const sum = harmonic.reduce((a, b) => a + b)
  let total = 0
  for (const h of harmonic) {
    total += h / sum
    cdf.push(total)
  }
  const zipf = () => {
    const r = random()
    let lo = 0
    let hi = cdf.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cdf[mid]! < r) lo = mid + 1
      else hi = mid
    }
    return lo + 1
  }
  let seq = 0
  return (batches: number, records: number): ClickBatch[] =>
    Array.from({ length: batches }, () => ({
      id: `${idPrefix}:${seq++}`,
      records: Array.from({ length: records }, (): ClickRecord => {
        const status = random() < 0.9 ? 302 : 404
        const link = zipf()
        const redirect = status === 302
        return [Date.now(), `st${link}`, status, pick(clients), pick(UAS), redirect ? pick(REFERRERS) : null, redirect ? link : null, redirect && link <= 10 ? 1 : null]
      }),
    }))
}
