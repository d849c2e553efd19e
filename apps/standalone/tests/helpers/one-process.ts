import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect, vi } from 'vitest'

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

/** The command `pnpm start` runs (the root package.json), so the tests start exactly what a user starts. */
function startCommand(): string[] {
  const scripts = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')).scripts as Record<string, string>
  const [bin, ...args] = scripts.start!.split(' ')
  expect(bin).toBe('node')
  return args
}

/** The environment of a fresh machine: nothing says where a database or Redis is. */
export function freshEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^(DATABASE_|REDIS_URL$|GHOSTLINK_|AUTH_MODE$)/.test(k)) env[k] = v
  return { ...env, HOST: '127.0.0.1', ...extra }
}

export type OneProcess = {
  url: string
  child: ChildProcess
  output: () => string
  /** Milliseconds from spawn to the first answered GET /health. */
  startMs: number
  /** The admin key the first start printed, if this start printed one. */
  printedKey: () => string | undefined
  /** Sends the signal and resolves with the exit code (null when killed by a signal). */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/** Starts `pnpm start`'s command from the repository root and waits for the first answered request. */
export async function startOneProcess(port: number, env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<OneProcess> {
  const started = performance.now()
  const child = spawn(process.execPath, startCommand(), { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = `http://127.0.0.1:${port}`
  let startMs = 0
  const answered = vi.waitFor(
    async () => {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })
      expect(res.status).toBe(200)
      startMs = performance.now() - started
    },
    { timeout: timeoutMs, interval: 50 },
  )
  answered.catch(() => {}) // after an exit, its own timeout rejects unobserved
  try {
    // a process that exits (a refused start) fails at once instead of at the timeout
    await Promise.race([answered, exit.then((code) => Promise.reject(new Error(`exited with ${code}`)))])
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`the one process did not start: ${String(err)}\n${out}`)
  }
  return {
    url,
    child,
    output: () => out,
    startMs,
    printedKey: () => /^ {2}(gl_[A-Za-z0-9_-]{43})$/m.exec(out)?.[1],
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      return exit.finally(() => clearTimeout(killer))
    },
  }
}
