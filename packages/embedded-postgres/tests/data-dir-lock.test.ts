import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DataDirInUseError } from '../src/index.js'
import { lockDataDir } from '../src/data-dir-lock.js'

describe('one process per data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-lock-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'ghostlink.pid')

  it('writes its pid, refuses a live holder, and removes only its own file', () => {
    const release = lockDataDir(dir)
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.pid))
    // the parent of this test process is alive and is not us: a live holder
    writeFileSync(file, `${process.ppid}\n`)
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError)
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.ppid}`)
    release() // not ours any more: left alone
    expect(existsSync(file)).toBe(true)
    rmSync(file)
  })

  it('takes over the lock of a process that is gone', () => {
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' })
    writeFileSync(file, `${gone.stdout.trim()}\n`)
    const release = lockDataDir(dir)
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.pid))
    release()
    expect(existsSync(file)).toBe(false)
  })
})
