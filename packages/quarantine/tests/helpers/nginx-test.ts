import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Runs `nginx -t` on a minimal config that includes the map file the way infra/nginx does (docs/CONTRACT.md#c-4-3). */
export function nginxTest(dir: string, mapFile: string): Promise<{ ok: boolean; output: string }> {
  const conf = join(dir, 'nginx-test.conf')
  writeFileSync(
    conf,
    `pid ${join(dir, 'nginx.pid')};
error_log stderr;
events {}
http {
  map $uri $blocked_short_code { default 0; include ${mapFile}; }
  server { listen 127.0.0.1:18081; if ($blocked_short_code = 1) { return 410; } }
}
`,
  )
  return new Promise((resolve) => {
    execFile('/usr/sbin/nginx', ['-t', '-e', 'stderr', '-p', dir, '-c', conf], (err, stdout, stderr) =>
      resolve({ ok: !err, output: `${stdout}${stderr}` }),
    )
  })
}
