import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { CsvFormatError, readCsv } from '../src/queries/read-csv.js'

const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

describe('readCsv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-read-csv-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads a file: BOM dropped, header names trimmed and lower-cased, quoted cells and blank lines handled', async () => {
    const file = join(dir, 'users.csv')
    writeFileSync(file, '\uFEFF Id ,USERNAME,Email\n1,ann,"a,b@x.io"\n\n2,"bo ""b""",b@x.io\n')
    expect(await collect(readCsv(file))).toEqual([
      { id: '1', username: 'ann', email: 'a,b@x.io' },
      { id: '2', username: 'bo "b"', email: 'b@x.io' },
    ])
  })

  it('tolerates rows with fewer or more cells than the header', async () => {
    const rows = await collect(readCsv(Readable.from(['id,username\n1\n2,bo,extra\n'])))
    expect(rows).toHaveLength(2)
    expect(rows[0]).toEqual({ id: '1' })
    expect(rows[1]?.username).toBe('bo')
  })

  it('stops at the limit and still drains the rest of a stream (so an upload can complete)', async () => {
    const body = `id\n${Array.from({ length: 50 }, (_, i) => i).join('\n')}\n`
    const source = new PassThrough()
    source.end(body)
    const rows = await collect(readCsv(source, 3))
    expect(rows.map((r) => r.id)).toEqual(['0', '1', '2'])
    await new Promise((r) => setImmediate(r))
    expect(source.readableEnded || source.destroyed).toBe(true)
  })

  it('turns a malformed CSV into a CsvFormatError', async () => {
    await expect(collect(readCsv(Readable.from(['id,username\n1,"never closed\n'])))).rejects.toBeInstanceOf(CsvFormatError)
  })

  it('rethrows an error of the input stream as it is (e.g. an upload over its size limit)', async () => {
    const source = new PassThrough()
    const tooBig = Object.assign(new Error('request file too large'), { code: 'FST_REQ_FILE_TOO_LARGE' })
    source.write('id,username\n1,ann\n')
    setTimeout(() => source.destroy(tooBig), 10)
    await expect(collect(readCsv(source))).rejects.toBe(tooBig)
  })

  it('reports a stream closed before its end (a multipart body cut short) as a CsvFormatError', async () => {
    const source = new PassThrough()
    source.write('id,username\n1,ann\n')
    setTimeout(() => source.destroy(), 10)
    await expect(collect(readCsv(source))).rejects.toBeInstanceOf(CsvFormatError)
  })
})
