import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@ghostlink/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { freshEnv, type OneProcess, startOneProcess } from './helpers/one-process.js'

// Issue 11: graceful SIGTERM under load: every redirect a client received is a recorded click after a restart,
// and PGlite was closed cleanly (the restart opens the same files).
describe('SIGTERM under load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-sigterm-'))
  let gl: OneProcess | undefined
  afterAll(async () => {
    await gl?.stop('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })
  const env = async () => freshEnv({ GHOSTLINK_DATA_DIR: join(dir, '.ghostlink'), PORT: String(await freePort()), LOG_LEVEL: 'warn' })

  it('loses no click: the redirects answered before the stop are all recorded after the restart', async () => {
    const first = await env()
    gl = await startOneProcess(Number(first.PORT), first)
    const key = gl.printedKey()!
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
    const link = (await (await fetch(`${gl.url}/shorten`, { method: 'POST', headers: auth, body: JSON.stringify({ original_url: 'https://example.com/sigterm' }) })).json()) as {
      id: number
      short_code: string
    }

    let answered = 0 // 302s the clients received
    let unknown = 0 // requests that failed in flight: the server may or may not have answered them
    let stopping = false
    const url = `${gl.url}/${link.short_code}`
    const client = async () => {
      for (;;) {
        try {
          const res = await fetch(url, { redirect: 'manual' })
          await res.arrayBuffer()
          if (res.status === 302) answered++
          else if (stopping) return // 503 while closing
        } catch {
          if (stopping) return // refused: the server is gone
          unknown++
        }
      }
    }
    const clients = Array.from({ length: 16 }, client)
    await expect.poll(() => answered, { timeout: 60_000 }).toBeGreaterThan(200)
    stopping = true
    const exit = gl.stop('SIGTERM')
    await Promise.all(clients)
    expect(await exit).toBe(0)
    expect(answered).toBeGreaterThan(200)

    const again = await env()
    gl = await startOneProcess(Number(again.PORT), again)
    // per_page is capped at 1000: the load stays below it (the poll above stops it after a few hundred)
    const events = (await (await fetch(`${gl.url}/events?url_id=${link.id}&event_type=redirect&per_page=1000`, { headers: auth })).json()) as unknown[]
    expect(events.length).toBeLessThan(1000)
    expect(events.length).toBeGreaterThanOrEqual(answered)
    expect(events.length).toBeLessThanOrEqual(answered + unknown)
  }, 300_000)
})
