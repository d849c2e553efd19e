import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { waitForOwnServer } from '@ghostlink/testing'

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
  await waitForOwnServer({ name, child, port, output: () => out })
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

