import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { startEmbeddedPostgres } from '../src/index.js'
import { initdbTemplate, initdbTemplateDir, makeInitdbTemplate, pgliteVersion } from '../src/initdb-template.js'

const tables = async (url: string) => {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    return (await sql<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public'`).map((r) => r.name)
  } finally {
    await sql.end()
  }
}

describe('the initdb template (docs/decisions/2026-11-27-embedded-postgres.md, "Start-up")', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-initdb-template-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('is made once per PGlite version, and a new database starts as a copy of it that it does not change', async () => {
    // the root postinstall made it already; a second call finds it
    await makeInitdbTemplate()
    const again = await makeInitdbTemplate()
    expect(again.made).toBe(false)
    expect(again.dir).toContain(`pglite-initdb/${pgliteVersion()}`)
    expect(initdbTemplate()).toBe(join(initdbTemplateDir(), 'pgdata'))
    expect(JSON.parse(readFileSync(join(initdbTemplateDir(), 'template.json'), 'utf8')).pglite).toBe(pgliteVersion())

    const first = await startEmbeddedPostgres({ dataDir: join(dir, 'a') })
    expect(first.created).toBe('template')
    const sql = postgres(first.url, { max: 1 })
    await sql`create table kept (id int)`
    await sql`insert into kept values (1)`
    await sql.end()
    await first.close()

    const reopened = await startEmbeddedPostgres({ dataDir: join(dir, 'a') })
    expect(reopened.created).toBe('existing')
    expect(await tables(reopened.url)).toEqual(['kept'])
    await reopened.close()

    // another new database: the first one's table was never written into the template
    const second = await startEmbeddedPostgres({ dataDir: join(dir, 'b') })
    expect(second.created).toBe('template')
    expect(await tables(second.url)).toEqual([])
    await second.close()
  })

  it('falls back to initdb when the template does not open', async () => {
    const damaged = join(dir, 'damaged')
    cpSync(join(initdbTemplateDir(), 'pgdata'), join(damaged, 'pgdata'), { recursive: true })
    writeFileSync(join(damaged, 'pgdata', 'global', 'pg_control'), 'not a control file')
    const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'c'), template: damaged })
    expect(pg.created).toBe('initdb')
    expect(await tables(pg.url)).toEqual([])
    await pg.close()
    expect(existsSync(join(dir, 'c', 'pgdata', 'PG_VERSION'))).toBe(true)
  })
})
