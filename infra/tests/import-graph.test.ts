// The import graph is the one docs/ARCHITECTURE.md draws ("Packages and their dependencies"): apps never import
// apps, packages never import apps, every @ghostlink import is declared, nothing reaches into another package by a
// relative path, and the documented table of each package's dependencies is the real one.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { documentedGraph, graphViolations, importsOf, readWorkspace, runtimeGraph, type WorkspacePackage } from './helpers/import-graph.js'
import { REPO_ROOT } from './helpers/paths.js'

const pkg = (dir: string, name: string, declared: string[], imports: Record<string, string[]>): WorkspacePackage => ({
  dir,
  name,
  declared: new Set(declared),
  imports: new Map(Object.entries(imports)),
})

describe('import graph', () => {
  const workspace = readWorkspace(REPO_ROOT)

  it('reads every workspace package, bench and infra included', () => {
    const dirs = workspace.map((p) => p.dir)
    for (const dir of ['apps/api', 'apps/click-writer', 'packages/db', 'packages/testing', 'bench', 'infra']) expect(dirs).toContain(dir)
    expect(workspace.find((p) => p.dir === 'apps/api')?.imports.size).toBeGreaterThan(20)
  })

  it('breaks none of the rules', () => {
    expect(graphViolations(workspace)).toEqual([])
  })

  it('matches the table in docs/ARCHITECTURE.md', () => {
    const documented = documentedGraph(readFileSync(join(REPO_ROOT, 'docs/ARCHITECTURE.md'), 'utf8'))
    expect(documented).toEqual(runtimeGraph(workspace))
  })

  it('finds every kind of import the compiler sees', () => {
    const text = [
      "import a from '@ghostlink/a'",
      "import type { B } from '@ghostlink/b/sub'",
      "export { c } from './c.js'",
      "const d = await import('@ghostlink/d')",
      "// import nope from '@ghostlink/comment'",
      "const s = \"from '@ghostlink/string'\"",
    ].join('\n')
    expect(importsOf(text)).toEqual(['@ghostlink/a', '@ghostlink/b/sub', './c.js', '@ghostlink/d'])
  })

  it('reports each broken rule (a made-up workspace)', () => {
    const made = [
      pkg('apps/one', '@ghostlink/one', ['@ghostlink/lib'], { 'apps/one/x.ts': ['@ghostlink/two/app', '@ghostlink/lib', '../../packages/lib/src/y.js'] }),
      pkg('apps/two', '@ghostlink/two', [], { 'apps/two/src/x.ts': ['./ok.js', '../../vitest.shared.js', '@ghostlink/nope'] }),
      pkg('packages/lib', '@ghostlink/lib', ['@ghostlink/two'], { 'packages/lib/src/y.ts': ['@ghostlink/two'] }),
      pkg('bench', '@ghostlink/bench', ['@ghostlink/one'], { 'bench/run.ts': ['@ghostlink/one/app'] }),
      // the composition root may import apps (declared); undeclared is still reported
      pkg('apps/standalone', '@ghostlink/standalone', ['@ghostlink/one'], { 'apps/standalone/src/s.ts': ['@ghostlink/one/compose', '@ghostlink/two/compose'] }),
    ]
    expect(graphViolations(made)).toEqual([
      "apps/one/x.ts: '@ghostlink/two' is not declared in apps/one/package.json",
      'apps/one/x.ts: app apps/one imports app apps/two',
      "apps/one/x.ts: '../../packages/lib/src/y.js' reaches into packages/lib",
      "apps/two/src/x.ts: '@ghostlink/nope' is no workspace package",
      'packages/lib/src/y.ts: package packages/lib imports app apps/two',
      "apps/standalone/src/s.ts: '@ghostlink/two' is not declared in apps/standalone/package.json",
    ])
    expect(runtimeGraph(made)).toEqual({ 'apps/one': ['lib', 'two'], 'apps/two': [], 'packages/lib': ['two'], 'apps/standalone': ['one', 'two'] })
  })

  it('reads the documented table', () => {
    const md = '# x\n## Packages and their dependencies\n| package | holds | depends on |\n|---|---|---|\n| apps/a | x | db, config |\n| packages/db | y | – |\n## Next\n| apps/z | q | w |\n'
    expect(documentedGraph(md)).toEqual({ 'apps/a': ['config', 'db'], 'packages/db': [] })
  })
})
