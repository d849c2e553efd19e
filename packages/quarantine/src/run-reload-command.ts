import { execFile } from 'node:child_process'

/** `deferred`: coalesced into a reload that runs a few seconds later (reload-coalescer.ts). */
export type ReloadResult = { ran: false; deferred?: true } | { ran: true; ok: boolean; exitCode: number | null; output: string }

/**
 * Runs NGINX_RELOAD_CMD through /bin/sh (e.g. `nginx -s reload` or `docker compose exec -T nginx nginx -s reload`).
 * Empty means "no reload" (Nginx may watch the file, or there is no Nginx in this environment).
 */
export function runReloadCommand(command: string, timeoutMs = 10_000): Promise<ReloadResult> {
  if (command.trim() === '') return Promise.resolve({ ran: false })
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim().slice(0, 2_000)
      if (!err) return resolve({ ran: true, ok: true, exitCode: 0, output })
      const code = typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code as number) : null
      resolve({ ran: true, ok: false, exitCode: code, output: output || err.message })
    })
  })
}
