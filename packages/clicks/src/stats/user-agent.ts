import { isbot } from 'isbot'
import { LRUCache } from 'lru-cache'
import { UAParser } from 'ua-parser-js'

/** What the statistics keep of a user agent: bot or not, and the browser, OS and device type names. */
export type ParsedAgent = { bot: boolean; browser: string; os: string; device: string }

const UNKNOWN = 'unknown'
const NO_AGENT: ParsedAgent = { bot: true, browser: UNKNOWN, os: UNKNOWN, device: 'bot' }

/**
 * isbot decides bot or human (a request without a user agent is a bot: no browser omits it); ua-parser-js names
 * browser, OS and device. ua-parser-js reports no device type for desktops, so none means `desktop`; a bot's device
 * type is `bot`. Both libraries run regular expressions, so parsed agents are cached: a few hundred distinct
 * strings make up nearly all traffic.
 */
export function createAgentParser(max = 10_000) {
  const cache = new LRUCache<string, ParsedAgent>({ max })
  return (ua: string | null): ParsedAgent => {
    if (ua === null || ua.trim() === '') return NO_AGENT
    let parsed = cache.get(ua)
    if (parsed === undefined) {
      parsed = parse(ua)
      cache.set(ua, parsed)
    }
    return parsed
  }
}

function parse(ua: string): ParsedAgent {
  const bot = isbot(ua)
  const r = new UAParser(ua).getResult()
  return {
    bot,
    browser: r.browser.name ?? UNKNOWN,
    os: r.os.name ?? UNKNOWN,
    device: bot ? 'bot' : (r.device.type ?? 'desktop'),
  }
}

/**
 * The referring host for the statistics: `direct` without a referrer, the lower-case host name without a leading
 * `www.` otherwise, `unknown` when the header is not a URL.
 */
export function referrerHost(referrer: string | null): string {
  if (referrer === null || referrer.trim() === '') return 'direct'
  try {
    const host = new URL(referrer).hostname
    if (host === '') return UNKNOWN
    return host.startsWith('www.') ? host.slice(4) : host
  } catch {
    return UNKNOWN
  }
}

/** referrerHost behind an LRU cache: the same few referring pages come again and again. */
export function createReferrerParser(max = 10_000) {
  const cache = new LRUCache<string, string>({ max })
  return (referrer: string | null): string => {
    if (referrer === null) return 'direct'
    let host = cache.get(referrer)
    if (host === undefined) {
      host = referrerHost(referrer)
      cache.set(referrer, host)
    }
    return host
  }
}
