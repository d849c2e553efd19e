import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { buildBundle, freshBundle } from '../scripts/bundle.mjs'
import { REPO_ROOT } from './helpers/one-process.js'

// `pnpm start` runs a bundle of the workspace code (scripts/bundle.mjs): it must never run code older than the source.
describe('the bundle pnpm start runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-start-bundle-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('is used while its sources are unchanged and made again when one changes', async () => {
    const src = join(dir, 'src')
    const cache = join(dir, 'cache')
    mkdirSync(src)
    writeFileSync(join(src, 'main.ts'), `import { word } from './word.js'\nexport const said: string = word\nexport const here = new URL('.', import.meta.url).href\n`)
    writeFileSync(join(src, 'word.ts'), `export const word: string = 'one'\n`)

    expect(freshBundle({ cache })).toBeUndefined()
    const first = await buildBundle({ entry: join(src, 'main.ts'), cache })
    expect(freshBundle({ cache })).toBe(first)
    const one = await import(pathToFileURL(first).href)
    expect(one.said).toBe('one')
    // each file keeps its own location: files found next to it (migrations, assets) are found from the bundle
    expect(one.here).toBe(pathToFileURL(`${src}/`).href)

    writeFileSync(join(src, 'word.ts'), `export const word: string = 'two!'\n`)
    expect(freshBundle({ cache })).toBeUndefined()
    const second = await buildBundle({ entry: join(src, 'main.ts'), cache })
    expect(second).not.toBe(first)
    expect(freshBundle({ cache })).toBe(second)
    expect((await import(pathToFileURL(second).href)).said).toBe('two!')
  })

  it('bundles the workspace code of src/server.ts and imports third-party packages from the files Node would load', async () => {
    const bundle = await buildBundle({ cache: join(dir, 'server') })
    const code = readFileSync(bundle, 'utf8')
    const imported = [...code.matchAll(/^import .*? from "([^"]+)";?$/gm), ...code.matchAll(/^import "([^"]+)";?$/gm)].map((m) => m[1]!)
    expect(imported.length).toBeGreaterThan(10)
    const builtin = (s: string) => s.startsWith('node:') || builtinModules.includes(s)
    for (const specifier of imported.filter((s) => !builtin(s))) {
      expect(isAbsolute(specifier), specifier).toBe(true)
      expect(specifier, specifier).toContain(`${REPO_ROOT}node_modules/.pnpm/`)
    }
    expect(imported.some((s) => s.includes('/fastify/'))).toBe(true)
    expect(code).not.toMatch(/from "@ghostlink\//)
    // the migrations are found where packages/db keeps them
    expect(code).toContain(JSON.stringify(pathToFileURL(join(REPO_ROOT, 'packages/db/src/migrate.ts')).href))
  })
})
