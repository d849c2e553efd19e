export { freePort } from '@ghostlink/testing'

/** Polls `check` until it resolves true or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** True when GET url answers at all (any status). */
export const answers = (url: string) => async () => {
  const res = await fetch(url, { signal: AbortSignal.timeout(1_000) })
  await res.arrayBuffer()
  return true
}
