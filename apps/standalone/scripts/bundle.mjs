// The code `pnpm start` runs: src/server.ts and the workspace packages it imports, in one ES module made by esbuild
// (the transform tsx applies file by file, done once), so a start loads one file instead of resolving and transforming
// about 230 TypeScript files through tsx's loader (docs/decisions/2026-11-27-embedded-postgres.md, "Start-up").
// Third-party packages are not bundled: each import points at the file Node would load (resolved with Node's
// conditions, plus `development` as `pnpm start` passes), so they run exactly as from node_modules.
// The bundle is a cache (node_modules/.cache/ghostlink-start, made by the root postinstall): a start uses it only when
// every source file it was made from is unchanged (size and mtime), and makes it again otherwise.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const ENTRY = fileURLToPath(new URL('../src/server.ts', import.meta.url))
const CACHE = join(REPO, 'node_modules', '.cache', 'ghostlink-start')
// what else decides the output: this file (the build options), and the installed packages (pnpm rewrites
// node_modules/.modules.yaml on every install; the external imports are paths into node_modules/.pnpm)
const ALWAYS = [fileURLToPath(import.meta.url), join(REPO, 'node_modules', '.modules.yaml')]

const stamp = (file) => {
  const s = statSync(file)
  return `${s.size}:${s.mtimeMs}`
}

/**
 * The bundle's path if one exists and every file it was made from is unchanged, else undefined.
 * `cache`: the directory of the bundle and its manifest (another one in tests).
 */
export function freshBundle({ cache = CACHE } = {}) {
  let manifest
  try {
    manifest = JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8'))
  } catch {
    return undefined
  }
  try {
    if (manifest.node !== process.version) return undefined
    for (const [file, was] of Object.entries(manifest.inputs)) if (stamp(join(REPO, file)) !== was) return undefined
    const bundle = join(cache, manifest.bundle)
    statSync(bundle)
    return bundle
  } catch {
    return undefined // an input or the bundle is gone
  }
}

const inWorkspace = (file) => !file.split(sep).includes('node_modules')

/** Makes the bundle of `entry` (src/server.ts: about 0.5 s) and its manifest in `cache`; returns the bundle's path. */
export async function buildBundle({ entry = ENTRY, cache = CACHE } = {}) {
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: REPO,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['development'],
    mainFields: ['main'], // as Node resolves a package without exports (esbuild would prefer `module`)
    write: false,
    outdir: cache,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'ghostlink-start',
        setup(b) {
          // third-party imports stay imports, of the file Node would load from the importer's own node_modules
          b.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (args.pluginData === 'resolving' || args.path.startsWith('@ghostlink/')) return undefined
            const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' })
            if (r.errors.length > 0) return { errors: r.errors }
            return { path: r.path, external: true }
          })
          // workspace files keep their own import.meta.url (files found next to them: migrations, assets)
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            if (!inWorkspace(args.path)) return undefined
            const source = readFileSync(args.path, 'utf8')
            return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' }
          })
        },
      },
    ],
  })
  const inputs = new Set(ALWAYS.filter((file) => existsSync(file)))
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = join(REPO, input)
    if (!inWorkspace(file)) continue
    inputs.add(file)
    // a workspace package's exports decide what an import of it resolves to
    for (let dir = dirname(file); dir.startsWith(REPO) && dir !== REPO; dir = dirname(dir)) {
      try {
        statSync(join(dir, 'package.json'))
        inputs.add(join(dir, 'package.json'))
        break
      } catch {}
    }
  }
  const stamps = Object.fromEntries([...inputs].map((file) => [relative(REPO, file), stamp(file)]))

  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'))
  const name = `server-${createHash('sha256').update(js.contents).digest('hex').slice(0, 16)}.mjs`
  mkdirSync(cache, { recursive: true })
  // written under temporary names, then renamed: a start reading the cache meanwhile sees the old or the new bundle
  const put = (file, contents) => {
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, contents)
    renameSync(tmp, file)
  }
  put(join(cache, `${name}.map`), map.text)
  put(join(cache, name), js.text.replace(/\/\/# sourceMappingURL=.*\n?$/, `//# sourceMappingURL=${name}.map\n`))
  put(join(cache, 'manifest.json'), `${JSON.stringify({ node: process.version, bundle: name, inputs: stamps }, null, 1)}\n`)
  // the three newest bundles stay (a start that read an older manifest is loading one of them), older ones go
  const bundles = readdirSync(cache)
    .filter((f) => /^server-[0-9a-f]+\.mjs$/.test(f))
    .map((f) => ({ f, t: statSync(join(cache, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t)
  for (const { f } of bundles.slice(3)) for (const file of [f, `${f}.map`]) rmSync(join(cache, file), { force: true })
  return join(cache, name)
}
