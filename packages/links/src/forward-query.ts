/** A query's key as compared on a clash: `+` is a space and percent escapes are decoded (as URLSearchParams reads it). */
function keyOf(pair: string): string {
  const eq = pair.indexOf('=')
  const raw = (eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ')
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

/**
 * `forward_query` (issue 14): the visitor's query string (from the request target `requestUrl`) merged into the
 * destination's. Pairs are moved as raw text, never re-encoded, so `utm_*` and every other parameter arrive exactly
 * as sent; on a key clash the visitor's pairs replace all of the destination's; the destination's fragment stays
 * last. Without a visitor query the destination is returned unchanged.
 */
export function forwardQuery(destination: string, requestUrl: string): string {
  const q = requestUrl.indexOf('?')
  if (q === -1) return destination
  const visitor = requestUrl
    .slice(q + 1)
    .split('&')
    .filter((p) => p !== '')
  if (visitor.length === 0) return destination

  const hash = destination.indexOf('#')
  const fragment = hash === -1 ? '' : destination.slice(hash)
  const beforeFragment = hash === -1 ? destination : destination.slice(0, hash)
  const dq = beforeFragment.indexOf('?')
  const base = dq === -1 ? beforeFragment : beforeFragment.slice(0, dq)
  const own = dq === -1 ? [] : beforeFragment.slice(dq + 1).split('&').filter((p) => p !== '')

  const visitorKeys = new Set(visitor.map(keyOf))
  const kept = own.filter((p) => !visitorKeys.has(keyOf(p)))
  return `${base}?${[...kept, ...visitor].join('&')}${fragment}`
}
