import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { nginxArgs, type PreparedNginx, prepareNginx } from '../../scripts/render-nginx.mjs'
import { PortTakenError } from '@ghostlink/testing'
import { answers, freePort } from './ports.js'
import { vi } from 'vitest'

const run = promisify(execFile)

export type EdgeNginx = PreparedNginx & {
  port: number
  url: string
  reload: () => Promise<void>
  stop: () => Promise<void>
  accessLog: () => string
}

/** Renders the template into a temp prefix and starts a real nginx on a free port (daemonised; stop() ends it). */
export async function startNginx(overrides: Record<string, string> = {}): Promise<EdgeNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'gl-nginx-'))
  const port = await freePort()
  // each access-log line written at once (`if=1` is always true; the template wants a value): the tests read the log
  // right after a request, where the platform buffers it (NGINX_DEFAULTS)
  const p = prepareNginx(prefix, { NGINX_LISTEN: `127.0.0.1:${port}`, NGINX_ACCESS_LOG_BUFFER: 'if=1', ...overrides })
  const args = nginxArgs(p)
  await run('nginx', ['-t', '-q', ...args])
  await run('nginx', args).catch((err: unknown) => {
    rmSync(prefix, { recursive: true, force: true })
    if (String(err).includes('Address already in use')) throw new PortTakenError(`nginx could not bind: ${String(err)}`)
    throw err
  })
  const url = `http://127.0.0.1:${port}`
  await vi.waitFor(answers(`${url}/edge-health`), { timeout: 20_000, interval: 100 })
  const pid = () => Number(readFileSync(p.vars.NGINX_PID_FILE, 'utf8').trim())
  return {
    ...p,
    port,
    url,
    accessLog: () => readFileSync(p.vars.NGINX_ACCESS_LOG, 'utf8'),
    reload: async () => {
      const before = pid()
      await run('nginx', [...args, '-s', 'reload'])
      // a reload is asynchronous: give the new workers a moment (the master pid stays the same)
      await new Promise((r) => setTimeout(r, 300))
      if (pid() !== before) throw new Error('nginx master changed during reload')
    },
    stop: async () => {
      await run('nginx', [...args, '-s', 'stop']).catch(() => {})
      rmSync(prefix, { recursive: true, force: true })
      // the workers' temp dir may live outside the prefix (render-nginx.mjs workerTempDir)
      rmSync(p.vars.NGINX_TEMP_DIR, { recursive: true, force: true })
    },
  }
}
