import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type TestApp } from '../helpers/build-app.js'

// fastify's default maxParamLength (100) would answer its own 414 body; the contract wants its JSON errors
describe('long path segments', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildApp()
  })
  afterAll(() => t.close())

  it.each([
    ['GET', `/urls/${'a'.repeat(300)}`, 404, 'Not found'],
    ['GET', `/urls/${'9'.repeat(300)}`, 404, 'Not found'],
    ['GET', `/urls/${'9'.repeat(300)}/risk`, 404, 'Not found'],
    ['GET', `/users/${'9'.repeat(300)}`, 404, 'Not found'],
    ['DELETE', `/users/${'9'.repeat(300)}`, 404, 'Not found'],
    ['GET', `/${'x'.repeat(3000)}`, 404, 'Not found'],
  ] as const)('%s %s… answers %i with the JSON envelope', async (method, url, status, error) => {
    const res = await t.app.inject({ method, url })
    expect([res.statusCode, res.json()]).toEqual([status, { error, code: status }])
    expect(res.headers['x-ghostlink-version']).toBe('v1-dev')
  })
})
