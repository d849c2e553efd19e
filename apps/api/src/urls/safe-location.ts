/**
 * A Location header value Node accepts. Stored URLs are kept as given (the API echoes them back), but a header
 * may only carry Latin-1 without control characters: anything else is sent in its WHATWG-serialised (encoded) form.
 */
export function safeLocation(url: string): string {
  if (/^[\x20-\x7e]*$/.test(url)) return url
  try {
    return new URL(url).href
  } catch {
    return encodeURI(url)
  }
}
