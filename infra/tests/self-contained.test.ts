// The repository stands alone (issue 9): a fresh clone has nothing next to it, so no file it ships — code, tests,
// scripts, config or docs — may refer to a path outside its root, and every citation of a document in it
// (`docs/CONTRACT.md#c-1-9`, a markdown link) must name a file and an anchor that exist.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, posix } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './helpers/paths.js'

/** Repository-relative POSIX paths → file text ('' for data and binaries). Checks use only this, so made-up files test them. */
type Repo = Map<string, string>

const CODE = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'])
const SKIP = [/\.csv$/, /(^|\/)pnpm-lock\.yaml$/, /\.(png|jpe?g|gif|ico|svg|woff2?|gz|zip)$/]
const IGNORED_DIRS = new Set(['node_modules', '.git', 'dist', '.turbo', 'coverage', '.tmp', 'generated', 'results'])

/** What git would commit: tracked files plus new, not ignored ones. Without git (an export), a walk of the tree. */
function listFiles(root: string): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    return out.split('\0').filter(Boolean)
  } catch {
    const walk = (dir: string): string[] =>
      readdirSync(`${root}${dir}`, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? (IGNORED_DIRS.has(e.name) ? [] : walk(`${dir}${e.name}/`)) : [`${dir}${e.name}`],
      )
    return walk('')
  }
}

function readRepo(root: string): Repo {
  const repo: Repo = new Map()
  for (const rel of listFiles(root)) {
    // data and binaries are not read, but they exist: links to them resolve
    if (SKIP.some((re) => re.test(rel))) {
      repo.set(rel, '')
      continue
    }
    let text: string
    try {
      if (statSync(`${root}${rel}`).size > 2_000_000) continue
      text = readFileSync(`${root}${rel}`, 'utf8')
    } catch {
      continue // tracked but deleted in the working tree
    }
    if (!text.includes('\0')) repo.set(rel, text)
  }
  return repo
}

type Finding = { file: string; line: number; why: string; text: string }
const show = (f: Finding) => `${f.file}:${f.line}: ${f.why}: ${f.text.trim().slice(0, 160)}`

function* lines(repo: Repo) {
  for (const [file, text] of repo) {
    const all = text.split('\n')
    for (let i = 0; i < all.length; i++) yield { file, line: i + 1, text: all[i] as string }
  }
}

/** `dir/../x` → `x`; null when the path climbs above the repository root. */
function normalise(path: string): string | null {
  const out = posix.normalize(path)
  return out === '..' || out.startsWith('../') || posix.isAbsolute(out) ? null : out.replace(/^\.\/?/, '').replace(/\/$/, '')
}

const exists = (repo: Repo, path: string) => path === '' || repo.has(path) || [...repo.keys()].some((k) => k.startsWith(`${path}/`))

/** Text that names a place outside the repository, whatever file it is in. */
const OUTSIDE: [RegExp, string][] = [
  [/\.\.\/shared\b/, 'points at the shared folder next to the repository'],
  [/(?<![\w-])shared\/(?:spec|data|seed|style|hooks)\b/, 'names a folder of the shared tree, not in the repository'],
  [/(?<![\w.-])\/work\//, 'absolute path under /work, one machine only'],
  [/original-behaviou?r/, 'cites the spec file outside the repository (cite docs/CONTRACT.md instead)'],
]
const SECTION = '\u00a7'
/** A relative path in a string literal (`'../../x'`, `new URL('../x', import.meta.url)`), resolved from the file. */
const RELATIVE_LITERAL = /(['"`])(\.{1,2}\/[^'"`\s$]*)\1/g
/** A `../` chain in config, scripts and docs, resolved from the file (compose volumes, includes, markdown). */
const RELATIVE_BARE = /(?:^|[\s'"=:(,[])((?:\.\.\/)+[\w.@-][\w./@-]*)/g

/** References that leave the repository root. */
function findEscapes(repo: Repo): Finding[] {
  const found: Finding[] = []
  for (const { file, line, text } of lines(repo)) {
    for (const [re, why] of OUTSIDE) if (re.test(text)) found.push({ file, line, why, text })
    const dir = posix.dirname(file)
    const pattern = CODE.has(extname(file)) ? RELATIVE_LITERAL : RELATIVE_BARE
    for (const m of text.matchAll(pattern)) {
      const rel = (CODE.has(extname(file)) ? m[2] : m[1]) as string
      if (normalise(posix.join(dir, rel)) === null) found.push({ file, line, why: `${rel} resolves outside the repository`, text })
    }
    // a bare section sign ("\u00a74.5") names no document; in markdown only a link's text may carry one
    // ("[CONTRACT \u00a74.5](CONTRACT.md#c-4-5)")
    const withoutLinkText = extname(file) === '.md' ? text.replace(/\[[^\]]*\]\([^)]*\)/g, '') : text
    if (withoutLinkText.includes(SECTION))
      found.push({ file, line, why: 'a section citation without its document (docs/…md#anchor)', text })
  }
  return found
}

/** GitHub's heading ids plus explicit `<a id="…">` / `name="…"` anchors. */
function anchorsOf(text: string): Set<string> {
  const ids = new Set<string>()
  for (const m of text.matchAll(/\b(?:id|name)="([^"]+)"/g)) ids.add(m[1] as string)
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = (m[1] as string)
      .toLowerCase()
      .replace(/<[^>]+>/g, '')
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    ids.add(slug)
  }
  return ids
}

/** `docs/….md#anchor` cited anywhere (read from the root), and every relative markdown link (read from its file). */
const DOC_CITATION = /(?<![\w./-])(docs\/[\w./-]*?\.md)(?:#([\w-]+))?/g
const MD_LINK = /\]\(([^)\s]+)\)/g

function findBrokenCitations(repo: Repo): Finding[] {
  const found: Finding[] = []
  const check = (file: string, line: number, text: string, target: string | null, anchor: string | undefined) => {
    if (target === null) return found.push({ file, line, why: 'link leaves the repository', text })
    if (!exists(repo, target)) return found.push({ file, line, why: `${target} does not exist`, text })
    const body = repo.get(target)
    if (anchor && target.endsWith('.md') && body !== undefined && !anchorsOf(body).has(anchor))
      found.push({ file, line, why: `${target} has no anchor #${anchor}`, text })
  }
  for (const { file, line, text } of lines(repo)) {
    for (const m of text.matchAll(DOC_CITATION)) check(file, line, text, normalise(m[1] as string), m[2])
    if (extname(file) !== '.md') continue
    for (const m of text.matchAll(MD_LINK)) {
      const link = m[1] as string
      if (/^[a-z][\w+.-]*:/i.test(link)) continue // https:, mailto:
      const [path = '', anchor] = link.split('#')
      const target = path === '' ? file : normalise(path.startsWith('/') ? path.slice(1) : posix.join(posix.dirname(file), path))
      check(file, line, text, target, anchor)
    }
  }
  return found
}

describe('the checks themselves', () => {
  // spelled in pieces, so that this file holds none of what it hunts for and is scanned like any other
  const SHARED = ['..', 'shared', 'data'].join('/')
  const WORK = ['', 'work', ''].join('/')
  const SPEC = ['original', 'behaviour'].join('-')
  const DOCS = 'docs/'
  const contract = '# Contract\n<a id="c-1-9"></a>\n### 1.9 Redirect\n## Plain heading\n'
  const fake: Repo = new Map([
    ['docs/CONTRACT.md', contract],
    ['data/reference/users.csv.txt', 'id\n'],
    [
      'apps/api/seed.test.ts',
      `const a = new URL('../../${SHARED}', import.meta.url)\nconst b = new URL('../../data/reference', import.meta.url)\n`,
    ],
    ['bench/x.ts', `const c = fileURLToPath(new URL('../../elsewhere/users.csv', import.meta.url))\nresolve(root, '${SHARED}')\n`],
    [
      'packages/a/src/b.ts',
      `// ${DOCS}CONTRACT.md#c-1-9 ok\n// ${DOCS}CONTRACT.md#c-9-9 gone\n// ${DOCS}NOPE.md\n// contract ${SECTION}1.2\nconst p = '${WORK}x/${SHARED.slice(3)}'\n`,
    ],
    ['docker-compose.yml', 'volumes:\n  - ../outside:/data\n  - ./infra:/infra\n'],
    [
      'docs/decisions/x.md',
      `[ok](../CONTRACT.md#c-1-9) [slug](../CONTRACT.md#plain-heading) [bad](../CONTRACT.md#c-2)\n[out](../../../x.md) [dir](../../data/reference/) see ${SPEC} ${SECTION}2\n`,
    ],
  ])

  it('finds references that leave the root', () => {
    expect(findEscapes(fake).map((f) => `${f.file}:${f.line}`)).toEqual([
      'apps/api/seed.test.ts:1',
      'apps/api/seed.test.ts:1',
      'apps/api/seed.test.ts:1',
      'bench/x.ts:1',
      'bench/x.ts:2',
      'bench/x.ts:2',
      'packages/a/src/b.ts:4',
      'packages/a/src/b.ts:5',
      'packages/a/src/b.ts:5',
      'docker-compose.yml:2',
      'docs/decisions/x.md:2',
      'docs/decisions/x.md:2',
      'docs/decisions/x.md:2',
    ])
  })

  it('finds citations of missing files and anchors', () => {
    expect(findBrokenCitations(fake).map((f) => `${f.file}:${f.line}: ${f.why}`)).toEqual([
      'packages/a/src/b.ts:2: docs/CONTRACT.md has no anchor #c-9-9',
      'packages/a/src/b.ts:3: docs/NOPE.md does not exist',
      'docs/decisions/x.md:1: docs/CONTRACT.md has no anchor #c-2',
      'docs/decisions/x.md:2: link leaves the repository',
    ])
  })
})

describe('this repository', () => {
  const repo = readRepo(REPO_ROOT)

  it('is read in full', () => {
    expect(repo.size).toBeGreaterThan(300)
    expect(repo.has('packages/db/src/cli/seed.ts') && repo.has('infra/tests/self-contained.test.ts')).toBe(true)
  })

  it('refers to no path outside itself', () => {
    expect(findEscapes(repo).map(show)).toEqual([])
  })

  it('cites only documents and anchors that exist in it', () => {
    // except in this file, whose fixtures cite missing documents on purpose
    const others = new Map(repo)
    others.delete('infra/tests/self-contained.test.ts')
    expect(findBrokenCitations(others).map(show)).toEqual([])
  })

  it('carries the reference CSVs that `pnpm seed` loads by default', () => {
    const rows = (name: string) => readFileSync(`${REPO_ROOT}data/reference/${name}`, 'utf8').trimEnd().split('\n').length - 1
    expect([rows('users.csv'), rows('urls.csv'), rows('events.csv')]).toEqual([400, 2000, 3422])
  })
})
