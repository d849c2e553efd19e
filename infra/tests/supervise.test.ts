// Issue 13 item 10: `pnpm dev` left a killed replica down. Its process supervisor (infra/scripts/supervise.mjs)
// restarts a process that dies, with exponential backoff, and never once stopping has begun.
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { isDown, restartDelayMs, type SupervisedEntry, supervise } from '../scripts/supervise.mjs'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const longRunning = () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })

describe('process supervisor', () => {
  it('backs off exponentially up to a cap', () => {
    expect([0, 1, 2, 3, 10].map((n) => restartDelayMs(n, 100, 1_000))).toEqual([100, 200, 400, 800, 1_000])
  })

  it('restarts a process killed with SIGKILL, and stops restarting once stopping', async () => {
    let stopping = false
    const logs: string[] = []
    let final: SupervisedEntry | undefined
    const entry = supervise({
      name: 'replica',
      spawnChild: longRunning,
      isStopping: () => stopping,
      log: (l) => logs.push(l),
      baseMs: 50,
      onFinalExit: (e) => {
        final = e
      },
    })
    const first = entry.child.pid
    entry.child.kill('SIGKILL')
    await sleep(400)
    expect(entry.restarts).toBe(1)
    expect(entry.child.pid).not.toBe(first)
    expect(entry.child.exitCode).toBeNull()
    expect(logs[0]).toBe('exited (SIGKILL); restarting in 50 ms')

    stopping = true
    entry.child.kill('SIGTERM')
    await sleep(300)
    expect(entry.restarts).toBe(1)
    expect(isDown(entry)).toBe(true)
    expect(final).toBe(entry)
  })

  it('a crash loop is slowed down by the backoff', async () => {
    let stopping = false
    const entry = supervise({
      name: 'crashy',
      spawnChild: () => spawn('sh', ['-c', 'exit 3'], { stdio: 'ignore' }),
      isStopping: () => stopping,
      log: () => {},
      baseMs: 100,
    })
    await sleep(1_500)
    stopping = true
    // 100 + 200 + 400 + 800 ms of backoff between the first four runs: at most 4 restarts in 1.5 s
    expect(entry.restarts).toBeGreaterThanOrEqual(2)
    expect(entry.restarts).toBeLessThanOrEqual(4)
    clearTimeout(entry.pendingRestart)
  })
})
