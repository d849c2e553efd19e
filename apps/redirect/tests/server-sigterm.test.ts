import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { urls } from '@ghostlink/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countRedirectEvents, createTestEnv, type TestEnv } from './helpers/build-service.js'
import { freePort } from '@ghostlink/testing'

const root = fileURLToPath(new URL('../../..', import.meta.url))

describe('SIGTERM under load (real server process)', () => {
  let env: TestEnv
  let child: ChildProcess | undefined
  beforeAll(async () => {
    env = await createTestEnv()
    await env.db.insert(urls).values(Array.from({ length: 10 }, (_, i) => ({ short_code: `s${i}`, original_url: `https://example.com/${i}` })))
  })
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
    await env.drop()
  })

  it('finishes in-flight requests and flushes: events = 302 answers', async () => {
    const port = await freePort()
    child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'apps/redirect/src/server.ts'], {
      cwd: root,
      env: { ...process.env, ...env.env, REDIRECT_PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', CLICK_FLUSH_INTERVAL_MS: '1000' },
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)))
    const base = `http://127.0.0.1:${port}`
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error('server did not start in 60 s')
      try {
        if ((await fetch(`${base}/ready`)).ok) break
      } catch {}
      await new Promise((r) => setTimeout(r, 100))
    }

    let redirected = 0
    let stop = false
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await fetch(`${base}/s${(w + i) % 10}`, { redirect: 'manual' })
          await res.arrayBuffer()
          if (res.status === 302) redirected++
        } catch {
          stop = true // connection refused: the server stopped accepting
        }
      }
    }
    const load = Promise.all(Array.from({ length: 32 }, (_, w) => worker(w)))
    // under load, not after a fixed time: a loaded machine may take seconds to answer the first hundred
    for (let waited = 0; redirected < 200 && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50))
    child.kill('SIGTERM')
    const code = await exited
    stop = true
    await load
    expect(code).toBe(0)
    expect(redirected).toBeGreaterThan(100)
    expect(await countRedirectEvents(env.db)).toBe(redirected)
  }, 120_000)
})
