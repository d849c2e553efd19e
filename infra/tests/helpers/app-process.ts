import { type ChildProcess, spawn } from 'node:child_process'
import { REPO_ROOT } from './paths.js'
import { waitForOwnServer } from '@ghostlink/testing'

export type AppProcess = {
  name: string
  url: string
  child: ChildProcess
  output: () => string
  kill: (signal?: NodeJS.Signals) => Promise<void>
}

/**
 * Starts apps/<app>/src/server.ts from source, as `pnpm dev` does, and waits until GET /health answers from this
 * process (not from another test's server that took the port meanwhile).
 */
export async function startApp(name: string, file: string, port: number, env: Record<string, string>): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', file], {
    cwd: REPO_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const url = `http://127.0.0.1:${port}`
  const exited = () => child.exitCode !== null || child.signalCode !== null
  await waitForOwnServer({ name, child, port, output: () => out })
  return {
    name,
    url,
    child,
    output: () => out,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (exited()) return resolve()
        child.once('exit', () => resolve())
        child.kill(signal)
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref()
      }),
  }
}
