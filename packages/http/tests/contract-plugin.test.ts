import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addMethodNotAllowed,
  contractPlugin,
  HttpError,
  installLenientBodyParsers,
  optionalJsonObject,
  requireJsonObject,
  trackRoutes,
} from '../src/index.js'

describe('contractPlugin', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = Fastify({ logger: false, bodyLimit: 1024 })
    const routes = trackRoutes(app)
    installLenientBodyParsers(app)
    await app.register(contractPlugin, { appVersion: 'v7' })
    app.post('/echo', async (req) => requireJsonObject(req.body))
    app.delete('/echo', async (req) => optionalJsonObject(req.body))
    app.get('/teapot', async () => {
      throw new HttpError(404, 'invalid url_id', false)
    })
    app.get('/boom', async () => {
      throw new Error('secret internals')
    })
    app.get('/db-down', async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    })
    app.after(() => addMethodNotAllowed(app, routes))
    await app.ready()
  })
  afterAll(() => app.close())

  it.each([
    ['no body', undefined, undefined],
    ['malformed JSON', '{"a":', 'application/json'],
    ['a JSON string', '"x"', 'application/json'],
    ['a JSON array', '[1]', 'application/json'],
    ['a JSON number', '5', 'application/json'],
    ['form data', 'a=1', 'application/x-www-form-urlencoded'],
    ['plain text', 'hello', 'text/plain'],
  ])('answers 400 Missing request body for %s', async (_name, payload, type) => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload, headers: type ? { 'content-type': type } : {} })
    expect([res.statusCode, res.json()]).toEqual([400, { error: 'Missing request body', code: 400 }])
    expect(res.headers['x-ghostlink-version']).toBe('v7')
  })

  it('parses a JSON object, also with a charset or a +json type', async () => {
    const a = await app.inject({ method: 'POST', url: '/echo', payload: '{"a":1}', headers: { 'content-type': 'application/json; charset=utf-8' } })
    const b = await app.inject({ method: 'POST', url: '/echo', payload: '{"b":2}', headers: { 'content-type': 'application/merge-patch+json' } })
    expect([a.json(), b.json()]).toEqual([{ a: 1 }, { b: 2 }])
  })

  it('treats a missing DELETE body as {}', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/echo' })
    expect([res.statusCode, res.json()]).toEqual([200, {}])
  })

  it('renders errors without code when the contract says so', async () => {
    const res = await app.inject('/teapot')
    expect([res.statusCode, res.json()]).toEqual([404, { error: 'invalid url_id' }])
  })

  it('hides internal messages behind a generic 500', async () => {
    const res = await app.inject('/boom')
    expect([res.statusCode, res.json()]).toEqual([500, { error: 'Internal server error', code: 500 }])
    expect(res.body).not.toContain('secret')
  })

  it('answers 503 Service unavailable when the database is unreachable', async () => {
    const res = await app.inject('/db-down')
    expect([res.statusCode, res.json()]).toEqual([503, { error: 'Service unavailable', code: 503 }])
  })

  it('answers 413 JSON for a body over the limit', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { a: 'x'.repeat(5000) } })
    expect([res.statusCode, res.json()]).toEqual([413, { error: 'Payload too large', code: 413 }])
  })

  it('answers JSON 404 for unknown routes and JSON 405 for a wrong method', async () => {
    const nf = await app.inject('/nope')
    const na = await app.inject({ method: 'PUT', url: '/echo' })
    expect([nf.statusCode, nf.json(), nf.headers['x-ghostlink-version']]).toEqual([404, { error: 'Not found', code: 404 }, 'v7'])
    expect([na.statusCode, na.json()]).toEqual([405, { error: 'Method not allowed', code: 405 }])
  })

  it('marks every error answer nosniff, whatever the status', async () => {
    for (const url of ['/nope', '/teapot', '/boom', '/db-down']) {
      expect((await app.inject(url)).headers['x-content-type-options'], url).toBe('nosniff')
    }
    const tooLarge = await app.inject({ method: 'POST', url: '/echo', payload: { a: 'x'.repeat(5000) } })
    expect(tooLarge.headers['x-content-type-options']).toBe('nosniff')
    expect((await app.inject({ method: 'PUT', url: '/echo' })).headers['x-content-type-options']).toBe('nosniff')
  })
})
