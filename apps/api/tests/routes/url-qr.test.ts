import { urls } from '@ghostlink/db'
import * as jsqrModule from 'jsqr'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type TestApp } from '../helpers/build-app.js'

// jsqr is CommonJS with an `export default` in its types: under NodeNext the callable is the module's `default`
const jsQR = jsqrModule.default as unknown as typeof jsqrModule.default.default

describe('GET /urls/:id/qr', () => {
  let t: TestApp
  let id: number
  let inactiveId: number

  beforeAll(async () => {
    t = await buildApp({ env: { PUBLIC_BASE_URL: 'https://gl.example/' } })
    const rows = await t.db
      .insert(urls)
      .values([
        { short_code: 'qr1', original_url: 'https://example.com/q' },
        { short_code: 'qr2', original_url: 'https://example.com/off', is_active: false },
      ])
      .returning()
    id = rows[0]!.id
    inactiveId = rows[1]!.id
  })
  afterAll(() => t.close())

  const decodePng = (body: Buffer) => {
    const png = PNG.sync.read(body)
    return { width: png.width, height: png.height, text: jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data }
  }

  it('answers a PNG that decodes back to the public short URL, at the asked size', async () => {
    const res = await t.app.inject(`/urls/${id}/qr?format=png&size=300`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('image/png')
    expect(decodePng(res.rawPayload)).toEqual({ width: 300, height: 300, text: 'https://gl.example/qr1' })
  })

  it('answers SVG by default, for an inactive link too (same rule as reading it)', async () => {
    const res = await t.app.inject(`/urls/${inactiveId}/qr`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/)
    expect(res.body).toMatch(/^<svg[^>]*viewBox=/)
    // the default PNG size decodes too
    expect(decodePng((await t.app.inject(`/urls/${inactiveId}/qr?format=png`)).rawPayload)).toMatchObject({ width: 256, text: 'https://gl.example/qr2' })
  })

  it.each([
    ['/urls/999999/qr', 404, 'Not found'],
    ['/urls/abc/qr', 404, 'Not found'],
    ['/urls/99999999999/qr', 404, 'Not found'],
    ['/urls/ID/qr?format=gif', 400, 'Invalid format'],
    ['/urls/ID/qr?format=png&size=12', 400, 'Invalid size'],
    ['/urls/ID/qr?format=png&size=5000', 400, 'Invalid size'],
    ['/urls/ID/qr?size=1e3', 400, 'Invalid size'],
    ['/urls/ID/qr?format=bmp&size=x', 400, 'Invalid format'],
  ])('%s → %i %s', async (path, status, error) => {
    const res = await t.app.inject(path.replace('ID', String(id)))
    expect([res.statusCode, res.json()]).toEqual([status, { error, code: status }])
  })
})
