import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createReloadCoalescer, type ReloadResult, runReloadCommand } from '../src/index.js'
import { writeFileAtomic } from '../src/write-file-atomic.js'

// Issue 13 item 5: every quarantine change reloaded nginx; 20 changes under load cost clients 123 read errors.
const dir = mkdtempSync(join(tmpdir(), 'gl-reload-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('coalesced nginx reloads', () => {
  it('20 changes in a burst give one reload per interval, and the last one reads the final map', async () => {
    const map = join(dir, 'map.conf')
    const log = join(dir, 'reloads.log')
    // the "reload" records which map version it saw
    const command = `cat '${map}' >> '${log}'`
    const late: ReloadResult[] = []
    const interval = 1_000
    const c = createReloadCoalescer({ minIntervalMs: interval, onLateResult: (r) => late.push(r) })
    const results: ReloadResult[] = []
    const t0 = Date.now()
    for (let v = 1; v <= 20; v++) {
      await writeFileAtomic(map, `v${v}\n`)
      results.push(await c.request(command))
    }
    const burstMs = Date.now() - t0
    expect(results[0]).toMatchObject({ ran: true, ok: true })
    expect(c.pending()).toBe(true)
    await sleep(interval + 800)
    expect(c.pending()).toBe(false)
    const seen = readFileSync(log, 'utf8').trim().split('\n')
    // the first change at once, the last one read by the trailing reload; in between at most one per interval
    // (a burst on a loaded machine may outlast an interval)
    expect(seen[0]).toBe('v1')
    expect(seen.at(-1)).toBe('v20')
    expect(seen.length).toBeLessThanOrEqual(2 + Math.floor(burstMs / interval))
    expect(results.filter((r) => r.ran).length + late.length).toBe(seen.length)
    expect(late.at(-1)).toEqual(expect.objectContaining({ ran: true, ok: true }))

    await sleep(interval) // long after the last reload, a change reloads at once again
    await writeFileAtomic(map, 'v21\n')
    expect(await c.request(command)).toMatchObject({ ran: true })
    expect(readFileSync(log, 'utf8').trim().split('\n').at(-1)).toBe('v21')
  })

  it('flush() runs a pending reload at once (graceful shutdown); an empty command never runs', async () => {
    let runs = 0
    const c = createReloadCoalescer({
      minIntervalMs: 60_000,
      run: (cmd) => {
        runs++
        return runReloadCommand(cmd)
      },
    })
    await c.request('true')
    await c.request('true')
    expect(runs).toBe(1)
    await c.flush()
    expect(runs).toBe(2)
    expect(await c.request('')).toEqual({ ran: false })
  })
})
