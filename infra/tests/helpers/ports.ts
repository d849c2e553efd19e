export { freePort } from '@ghostlink/testing'

/** True when GET url answers at all (any status). */
export const answers = (url: string) => async () => {
  const res = await fetch(url, { signal: AbortSignal.timeout(1_000) })
  await res.arrayBuffer()
  return true
}
