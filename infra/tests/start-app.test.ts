// The e2e helpers start each app on a port freePort picked; another test's server can take that port first and answer
// /health in the app's place (a CI failure: the API's requests reached another test's process and got 404s).
import { createServer } from 'node:http'
import { expect, it } from 'vitest'
import { startApp } from './helpers/app-process.js'
import { listensOn, PortTakenError } from '@ghostlink/testing'
import { freePort } from './helpers/ports.js'

it('startApp refuses a port another process answers on, with the error startPlatform retries', async () => {
  const port = await freePort()
  const other = createServer((_, res) => res.end('{"status":"ok"}'))
  await new Promise<void>((r) => other.listen(port, '127.0.0.1', () => r()))
  try {
    expect(listensOn(process.pid, port)).toBe(true)
    const start = startApp('api', 'apps/api/src/server.ts', port, { API_PORT: String(port), DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' })
    await expect(start).rejects.toBeInstanceOf(PortTakenError)
  } finally {
    other.close()
  }
  expect(listensOn(process.pid, port)).toBe(false)
}, 60_000)
