import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, sep } from 'node:path'
import ts from 'typescript'
import { parse } from 'yaml'

/** One workspace package: its directory (repository-relative, POSIX), manifest dependencies and the imports of each file. */
export type WorkspacePackage = {
  dir: string
  name: string
  declared: Set<string>
  /** repository-relative file → module specifiers it imports (static, dynamic, type-only, re-exports) */
  imports: Map<string, string[]>
}

const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/
const SKIP_DIRS = new Set(['node_modules', 'dist', '.turbo', 'coverage', '.tmp', 'generated', 'results'])
const posixPath = (p: string) => p.split(sep).join('/')

function codeFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = posixPath(join(dir, e.name))
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : codeFiles(root, rel)
    return CODE.test(e.name) ? [rel] : []
  })
}

/** Every module specifier a file imports, as the TypeScript compiler's own pre-processor reads them. */
export const importsOf = (text: string) => ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName)

/** The workspace packages pnpm-workspace.yaml lists (plain `dir` or `dir/*` entries), with their imports. */
export function readWorkspace(root: string): WorkspacePackage[] {
  const { packages } = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as { packages: string[] }
  const dirs = packages.flatMap((glob) =>
    glob.endsWith('/*')
      ? readdirSync(join(root, glob.slice(0, -2)), { withFileTypes: true })
          .filter((e) => e.isDirectory() && !SKIP_DIRS.has(e.name))
          .map((e) => `${glob.slice(0, -2)}/${e.name}`)
      : [glob],
  )
  return dirs
    .filter((dir) => {
      try {
        readFileSync(join(root, dir, 'package.json'))
        return true
      } catch {
        return false
      }
    })
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | string>
      const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})])
      const imports = new Map(codeFiles(root, dir).map((f) => [f, importsOf(readFileSync(join(root, f), 'utf8'))]))
      return { dir, name: manifest.name as string, declared, imports }
    })
}

/**
 * The one-process entry (`pnpm start`) composes every tier's plugin and workers in one process: the one workspace
 * package that may import apps, through the entries their package.json `exports` name (docs/ARCHITECTURE.md,
 * docs/decisions/2026-11-27-one-process-mode.md).
 */
export const COMPOSITION_ROOT = 'apps/standalone'

const kind = (dir: string) => (dir.startsWith('apps/') ? 'app' : dir.startsWith('packages/') ? 'package' : 'tool')
const packageName = (spec: string) => spec.split('/').slice(0, 2).join('/')
const isTest = (file: string) => /(^|\/)tests\//.test(file) || /\.test\.[a-z]+$/.test(file)

/**
 * The rules of docs/ARCHITECTURE.md "Packages and their dependencies": apps never import apps, packages never import
 * apps, every @ghostlink import is declared in the importer's manifest, and no relative import reaches into another package.
 */
export function graphViolations(pkgs: WorkspacePackage[]): string[] {
  const byName = new Map(pkgs.map((p) => [p.name, p]))
  const out: string[] = []
  for (const p of pkgs) {
    for (const [file, specs] of p.imports) {
      for (const spec of specs) {
        if (spec.startsWith('.')) {
          // the root's shared files (vitest.shared.ts) are fine; another package's files are reached by its name
          const target = posixPath(join(dirname(file), spec))
          const owner = pkgs.find((q) => q !== p && target.startsWith(`${q.dir}/`))
          if (owner) out.push(`${file}: '${spec}' reaches into ${owner.dir}`)
          continue
        }
        if (!spec.startsWith('@ghostlink/')) continue
        const name = packageName(spec)
        const target = byName.get(name)
        if (!target) {
          out.push(`${file}: '${spec}' is no workspace package`)
          continue
        }
        if (!p.declared.has(name)) out.push(`${file}: '${name}' is not declared in ${p.dir}/package.json`)
        if (kind(target.dir) === 'app' && kind(p.dir) !== 'tool' && p.dir !== COMPOSITION_ROOT) out.push(`${file}: ${kind(p.dir)} ${p.dir} imports app ${target.dir}`)
      }
    }
  }
  return out
}

/** Each app's and package's @ghostlink dependencies as its non-test files import them: dir → sorted short names. */
export function runtimeGraph(pkgs: WorkspacePackage[]): Record<string, string[]> {
  const byName = new Map(pkgs.map((p) => [p.name, p]))
  const graph: Record<string, string[]> = {}
  for (const p of pkgs.filter((q) => kind(q.dir) !== 'tool')) {
    const deps = new Set<string>()
    for (const [file, specs] of p.imports) {
      if (isTest(file)) continue
      for (const spec of specs) {
        const target = spec.startsWith('@ghostlink/') ? byName.get(packageName(spec)) : undefined
        if (target && target !== p) deps.add(target.dir.split('/')[1]!)
      }
    }
    graph[p.dir] = [...deps].sort()
  }
  return graph
}

/** The table under "Packages and their dependencies" in docs/ARCHITECTURE.md: dir → sorted short names. */
export function documentedGraph(markdown: string): Record<string, string[]> {
  const section = markdown.split('## Packages and their dependencies')[1]?.split('\n## ')[0] ?? ''
  const graph: Record<string, string[]> = {}
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    const dir = cells[1]
    if (!dir || !/^(apps|packages)\/[a-z-]+$/.test(dir)) continue
    const deps = cells[3] ?? ''
    graph[dir] = deps === '–' || deps === '' ? [] : deps.split(',').map((d) => d.trim()).sort()
  }
  return graph
}
