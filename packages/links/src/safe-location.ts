/**
 * A link's destination as a Location header value, for both redirect paths (the redirect tier and the API's
 * GET /urls/<code>). Stored URLs are kept as given (the API echoes them back), but a header may only carry Latin-1
 * without control characters, and a URI no spaces: anything outside printable ASCII is sent in its WHATWG-serialised
 * form (percent-encoded path and query, punycode host). The common case is one regex test.
 */
export function safeLocation(url: string): string {
  if (/^[\x21-\x7e]*$/.test(url)) return url
  try {
    return new URL(url).href
  } catch {
    return encodeURI(url)
  }
}
