// `pnpm install`'s last step: prepares what makes `pnpm start`'s first answer quick (docs/decisions/
// 2026-11-27-embedded-postgres.md, "Start-up"), both caches under node_modules/.cache:
//  - the embedded database's initdb'd template (a new database is a copy of it: no initdb at the first start);
//  - the bundle of the one-process entry (apps/standalone/scripts/bundle.mjs).
// Never fails the install: without them `pnpm start` runs initdb and bundles (or runs tsx) itself, as it would.
// Skipped where `pnpm start` cannot run: a tree without apps/standalone (the Docker builds' pruned workspaces) or
// without tsx (`pnpm install --prod`).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const say = (line) => console.log(line)

const hasTsx = () => {
  try {
    createRequire(`${root}apps/standalone/package.json`).resolve('tsx/esm/api')
    return true
  } catch {
    return false
  }
}

if (!existsSync(`${root}apps/standalone/src/server.ts`) || !existsSync(`${root}packages/embedded-postgres/src/index.ts`) || !hasTsx()) {
  say('no one-process entry here (pruned workspace or production install): nothing to prepare')
} else {
  const template = spawnSync(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', 'packages/embedded-postgres/src/cli/make-initdb-template.ts'],
    { cwd: root, stdio: 'inherit', timeout: 300_000 },
  )
  if (template.status !== 0) say('the initdb template could not be made; a first `pnpm start` runs initdb instead')
  try {
    const { buildBundle, freshBundle } = await import('../apps/standalone/scripts/bundle.mjs')
    if (!freshBundle()) await buildBundle()
    say('pnpm start: bundle ready')
  } catch (err) {
    say(`pnpm start: no bundle (${err instanceof Error ? err.message.split('\n')[0] : err}); it makes one at its start`)
  }
}
