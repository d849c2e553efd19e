// infra/postgres/postgresql.conf, the platform's Postgres settings, started with the real server binary (initdb +
// pg_ctl in a temp dir): every setting it names is the one the server runs with, and compose runs it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { closeDb, createDb } from '@ghostlink/db'
import { startThrowawayPostgres } from '@ghostlink/testing'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { INFRA_DIR, REPO_ROOT } from './helpers/paths.js'

const CONF = join(INFRA_DIR, 'postgres/postgresql.conf')

/** `name = value` lines, quotes removed (the file's own syntax: one setting per line, # comments). */
function settingsOf(text: string): Record<string, string> {
  const lines = text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean)
  return Object.fromEntries(lines.map((l) => l.split('=').map((p) => p.trim().replace(/^'(.*)'$/, '$1')) as [string, string]))
}

describe('infra/postgres/postgresql.conf', () => {
  const settings = settingsOf(readFileSync(CONF, 'utf8'))

  it('starts a real Postgres with every setting it names, durable', { timeout: 60_000 }, async () => {
    expect(Object.keys(settings)).toEqual(expect.arrayContaining(['max_wal_size', 'checkpoint_timeout', 'wal_compression', 'shared_buffers']))
    const pg = await startThrowawayPostgres({ configFile: CONF })
    const db = createDb(pg.url, 1)
    const sql = db.$client
    try {
      for (const [name, value] of Object.entries(settings)) {
        // the throwaway cluster listens on 127.0.0.1 whatever the file says (compose's container listens on all)
        if (name === 'listen_addresses') continue
        const [row] = await sql<{ v: string }[]>`select current_setting(${name}) as v`
        expect(row!.v, name).toBe(value)
      }
      const [durable] = await sql<{ fsync: string; fpw: string }[]>`select current_setting('fsync') as fsync, current_setting('full_page_writes') as fpw`
      expect(durable).toEqual({ fsync: 'on', fpw: 'on' })
    } finally {
      await closeDb(db)
      pg.destroy()
    }
  })

  it('is the file compose runs Postgres with', () => {
    const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: { postgres: { command: string[]; volumes: string[] } }
    }
    const pg = compose.services.postgres
    expect(pg.volumes).toContain('./infra/postgres/postgresql.conf:/etc/postgresql/postgresql.conf:ro')
    expect(pg.command).toEqual(['postgres', '-c', 'config_file=/etc/postgresql/postgresql.conf'])
  })
})
