import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { freePort } from '../src/index.js'

it('hands out ports below the ephemeral range, each reserved for every test process, never the same twice', async () => {
  const ports = []
  for (let i = 0; i < 300; i++) ports.push(await freePort())
  expect(new Set(ports).size).toBe(ports.length)
  for (const p of ports) {
    expect(p).toBeGreaterThanOrEqual(20_000)
    expect(p).toBeLessThan(32_768)
    expect(existsSync(join(tmpdir(), 'ghostlink-test-ports', String(p)))).toBe(true)
  }
})
