import { Writable } from 'node:stream'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loggerOptions } from '../../src/logger-options.js'
import { ADMIN_KEY, bearer, buildTokenApp, createUser } from '../helpers/auth.js'
import type { TestApp } from '../helpers/build-app.js'

/** Every log line at trace level, every metric and every answer of a session that uses, misuses and revokes keys. */
const lines: string[] = []
const sink = new Writable({
  write(chunk, _enc, done) {
    lines.push(String(chunk))
    done()
  },
})

let t: TestApp
beforeAll(async () => {
  t = await buildTokenApp({ logger: { ...loggerOptions('trace'), stream: sink } })
})
afterAll(async () => t?.close())

describe('key secrets never leak', () => {
  it('no log line, metric or later answer contains a secret', async () => {
    const user = await createUser(t)
    const created = await t.app.inject({
      method: 'POST',
      url: `/users/${user}/keys`,
      headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' },
      payload: '{"name":"leak-test"}',
    })
    expect(created.statusCode).toBe(201)
    const key: string = created.json().key
    const secrets = [key, ADMIN_KEY, key.slice(11), ADMIN_KEY.slice(11)]

    const answers: string[] = []
    const send = async (opts: InjectOptions) => {
      const res = await t.app.inject(opts)
      answers.push(JSON.stringify(res.headers), res.body)
      return res
    }
    await send({ url: '/users/me', headers: bearer(key) })
    await send({ url: '/keys', headers: bearer(key) })
    await send({ url: '/keys', headers: bearer(ADMIN_KEY) })
    await send({ url: `/users/me?api_key=${key}` })
    await send({ url: `/urls/${key}` })
    await send({ url: '/urls', headers: { authorization: `Basic ${key}` } })
    await send({ url: '/urls', headers: { authorization: `Bearer ${key}x` } })
    await send({ method: 'POST', url: '/shorten', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: '{bad' })
    await send({ method: 'DELETE', url: `/keys/${created.json().id}`, headers: bearer(ADMIN_KEY) })
    await send({ url: '/users/me', headers: bearer(key) })
    const metrics = await send({ url: '/metrics' })
    expect(metrics.statusCode).toBe(200)

    // the logger did log these requests, including the URL that carried a key
    const log = lines.join('')
    expect(lines.length).toBeGreaterThan(20)
    expect(log).toContain('/users/me?api_key=gl_[redacted]')
    for (const secret of secrets) {
      expect(log).not.toContain(secret)
      expect(metrics.body).not.toContain(secret)
      for (const answer of answers) expect(answer).not.toContain(secret)
    }
  })
})
