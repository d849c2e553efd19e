import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'

// A new embedded database starts as a copy of an initdb'd data directory made once at install time (`pnpm install`'s
// postinstall), instead of running initdb inside WebAssembly at its first start (docs/decisions/
// 2026-11-27-embedded-postgres.md, "Start-up"). initdb only, never migrated: migrations run at every start, so the
// template cannot go stale when a migration is added. Keyed by PGlite's version (its data format and initdb).

const MARKER = 'template.json'

/** The installed PGlite's version: a template made by another version is never used. */
export function pgliteVersion(): string {
  const require = createRequire(import.meta.url)
  // the package's exports do not list package.json: walk up from its entry point
  let dir = dirname(require.resolve('@electric-sql/pglite'))
  for (;;) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version
    }
    if (dirname(dir) === dir) throw new Error('@electric-sql/pglite: package.json not found')
    dir = dirname(dir)
  }
}

/** `<this package>/node_modules/.cache/pglite-initdb/<version>`: never committed, gone with node_modules. */
export function initdbTemplateDir(version = pgliteVersion()): string {
  return fileURLToPath(new URL(`../node_modules/.cache/pglite-initdb/${version}`, import.meta.url))
}

/** The template's data directory (`<dir>/pgdata`) if a complete one exists for the installed PGlite, else undefined. */
export function initdbTemplate(): string | undefined {
  try {
    const dir = initdbTemplateDir()
    // the marker is written before the directory is renamed into place: its presence means a complete template
    const marker = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as { pglite?: string }
    return marker.pglite === pgliteVersion() && existsSync(join(dir, 'pgdata', 'PG_VERSION')) ? join(dir, 'pgdata') : undefined
  } catch {
    return undefined
  }
}

/**
 * Makes the template unless a complete one exists: initdb in a temporary directory next to it, closed cleanly (a
 * shutdown checkpoint), then renamed into place, so a concurrent or interrupted run never leaves a half template.
 */
export async function makeInitdbTemplate(): Promise<{ dir: string; made: boolean; ms: number }> {
  const started = performance.now()
  const version = pgliteVersion()
  const dir = initdbTemplateDir(version)
  if (initdbTemplate()) return { dir, made: false, ms: performance.now() - started }
  mkdirSync(dirname(dir), { recursive: true })
  const tmp = mkdtempSync(`${dir}.tmp-`)
  try {
    const db = await PGlite.create({ dataDir: join(tmp, 'pgdata') })
    await db.close()
    writeFileSync(join(tmp, MARKER), `${JSON.stringify({ pglite: version, made: new Date().toISOString() })}\n`)
    if (existsSync(dir) && !initdbTemplate()) rmSync(dir, { recursive: true, force: true }) // an incomplete one
    try {
      renameSync(tmp, dir)
    } catch (err) {
      // another install made it meanwhile
      if (!initdbTemplate()) throw err
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  return { dir, made: true, ms: performance.now() - started }
}

/** Copies the template's files into a new data directory (`pgdata`); false when there is no template. */
export function copyInitdbTemplate(pgdata: string): boolean {
  const template = initdbTemplate()
  if (!template) return false
  cpSync(template, pgdata, { recursive: true })
  return true
}
