import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { edgeTarget } from '../src/edge-route.js'
import { REPO_ROOT } from './helpers/one-process.js'

// The one-process mode routes as the edge does (infra/nginx/nginx.conf.template): read the template's own words.
const template = readFileSync(`${REPO_ROOT}infra/nginx/nginx.conf.template`, 'utf8')
const apiWords = /location ~\* \^\/\(([a-z|-]+)\)\$ \{/.exec(template)?.[1]?.split('|') ?? []

describe('edge routing in one process', () => {
  it("sends every word of the edge's API list to the API, in any case, never to the redirect tier", () => {
    expect(apiWords).toEqual(expect.arrayContaining(['health', 'users', 'keys', 'stats', 'r', 'health-demo']))
    for (const word of apiWords) {
      expect(edgeTarget(`/${word}`), word).toBe('api')
      expect(edgeTarget(`/${word.toUpperCase()}?x=1`), word).toBe('api')
    }
  })

  it('sends /<code> and /r/<code> to the redirect tier, the query string aside', () => {
    for (const url of ['/abc123', '/r/abc123', '/A_b-9', '/abc123?utm=1', '/r/x']) expect(edgeTarget(url), url).toBe('redirect')
  })

  it('sends deeper paths and /users/bulk to the API', () => {
    for (const url of ['/', '/urls/abc123', '/users/1/keys', '/users/bulk', '/r/abc/def', '/a.b'])
      expect(edgeTarget(url), url).toBe('api')
  })

  it('sends /app and everything below it to the dashboard, in any case', () => {
    for (const url of ['/app', '/app/', '/app/links', '/APP/login', '/app/static/app.css?v=1']) expect(edgeTarget(url), url).toBe('web')
    // codes that start with "app" stay codes
    for (const url of ['/apps', '/application', '/r/app']) expect(edgeTarget(url), url).toBe('redirect')
  })

  it('refuses /metrics at any depth and in any case, and answers /edge-health itself', () => {
    for (const url of ['/metrics', '/METRICS', '/r/metrics', '/users/metrics']) expect(edgeTarget(url), url).toBe('metrics')
    expect(edgeTarget('/edge-health')).toBe('edge-health')
  })

  it("routes on nginx's $uri: decoded, slashes merged; a malformed escape goes to the API's 400", () => {
    expect(edgeTarget('/%61bc')).toBe('redirect')
    expect(edgeTarget('//abc')).toBe('redirect')
    expect(edgeTarget('/%6Detrics')).toBe('metrics')
    expect(edgeTarget('/%zz')).toBe('api')
  })
})
