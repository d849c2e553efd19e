import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startEmbeddedPostgres } from '@ghostlink/embedded-postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { closeDb, createDb, migrateDb, urls, users } from '../src/index.js'

const DB_PACKAGE = fileURLToPath(new URL('..', import.meta.url))

// Issue 11: `pnpm seed` loads the reference data into whichever database is configured, the embedded one included.
describe('pnpm seed into the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-seed-embedded-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  // no DATABASE_* at all: the environment of `pnpm start`
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DATABASE_')))
  const seed = () =>
    promisify(execFile)('node', ['--conditions=development', '--import', 'tsx', 'src/cli/seed.ts'], {
      cwd: DB_PACKAGE,
      env: { ...env, GHOSTLINK_DATA_DIR: dir, SEED_DIR: '' },
    })

  it('seeds the database `pnpm start` created, and refuses while a live process holds it', async () => {
    // what the first `pnpm start` leaves behind: a migrated embedded database
    const pg = await startEmbeddedPostgres({ dataDir: dir })
    const db = createDb(pg.url, 1)
    await migrateDb(db)
    await closeDb(db)
    await pg.close()

    const { stdout } = await seed()
    expect(stdout).toContain(`database: embedded Postgres (PGlite) in ${dir}`)
    expect(stdout).toMatch(/users\s+read 400, inserted 399/)

    const again = await startEmbeddedPostgres({ dataDir: dir })
    const check = createDb(again.url, 1)
    expect([await check.$count(users), await check.$count(urls)]).toEqual([399, 2000])
    await closeDb(check)
    await again.close()

    // the parent of this test process stands for a running `pnpm start`
    writeFileSync(join(dir, 'ghostlink.pid'), `${process.ppid}\n`)
    await expect(seed()).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(`in use by process ${process.ppid}`) })
    rmSync(join(dir, 'ghostlink.pid'))
  }, 240_000)
})
