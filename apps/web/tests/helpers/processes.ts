import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { listensOn, PortTakenError } from '@ghostlink/testing'

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

export type AppProcess = { name: string; url: string; output: () => string; stop: () => Promise<void> }

/** Starts apps/<dir>/src/server.ts from source as `pnpm dev` does, and waits for its /health to answer. */
export async function startApp(name: string, dir: string, port: number, env: Record<string, string>): Promise<AppProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', `apps/${dir}/src/server.ts`], {
    cwd: REPO_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exited = () => child.exitCode !== null || child.signalCode !== null
  const url = `http://127.0.0.1:${port}`
  // answered by this process: another test's server may have taken the port after freePort picked it
  const started = async () => {
    if (child.pid === undefined || !listensOn(child.pid, port)) return false
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) })
    await res.arrayBuffer()
    return true
  }
  const until = Date.now() + 60_000
  while (!(await started().catch(() => false))) {
    if (exited() || Date.now() > until) {
      child.kill('SIGKILL')
      if (out.includes('EADDRINUSE')) throw new PortTakenError(`${name} could not bind port ${port}: taken by another process\n${out}`)
      throw new Error(`${name} did not start (${exited() ? 'exited' : 'timed out'})\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    name,
    url,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited()) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref()
      }),
  }
}

