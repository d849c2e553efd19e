import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createTestEnv, freePort, retryOnPortTaken, TEST_REDIS_URL, type TestEnv } from '@ghostlink/testing'
import { nginxArgs, prepareNginx } from '@ghostlink/infra/render-nginx'
import { type AppProcess, startApp } from './processes.js'

const run = promisify(execFile)

export type Platform = {
  env: TestEnv
  edge: string
  api: string
  web: string
  destination: string
  adminKey: string
  apps: AppProcess[]
  stop: () => Promise<void>
}

/**
 * The real platform on free ports, as `pnpm dev` runs it: api, one redirect replica (clicks handed to the stream)
 * and the click writer, the web dashboard, and nginx in front of them rendered from infra/nginx. Its own database
 * and Redis prefix; an admin key from GHOSTLINK_ADMIN_KEY; a tiny destination site for the short links.
 */
export async function startPlatform(name: string): Promise<Platform> {
  // a port freePort picked can still be taken before the app binds it: then start again on new ports
  return retryOnPortTaken(() => startPlatformOnce(name))
}

async function startPlatformOnce(name: string): Promise<Platform> {
  const env = await createTestEnv({ name })
  const prefixDir = mkdtempSync(join(tmpdir(), 'gl-web-e2e-'))
  const [apiPort, redirectPort, writerPort, webPort, edgePort, destPort] = (await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  )) as [number, number, number, number, number, number]
  const edge = `http://127.0.0.1:${edgePort}`
  const nginx = prepareNginx(join(prefixDir, 'nginx'), {
    NGINX_LISTEN: `127.0.0.1:${edgePort}`,
    API_UPSTREAM: `127.0.0.1:${apiPort}`,
    REDIRECT_UPSTREAM_1: `127.0.0.1:${redirectPort}`,
    REDIRECT_UPSTREAM_2: `127.0.0.1:${redirectPort}`,
    WEB_UPSTREAM: `127.0.0.1:${webPort}`,
    RATE_LIMIT_API: '1000r/s',
    RATE_LIMIT_API_BURST: '1000',
    RATE_LIMIT_WRITE: '1000r/s',
    RATE_LIMIT_WRITE_BURST: '1000',
  })
  await run('nginx', ['-t', '-q', ...nginxArgs(nginx)])
  await run('nginx', nginxArgs(nginx))

  const destination: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><title>Landing</title><h1>Landing page</h1><p id="url">${req.url?.replace(/[<>&"]/g, '') ?? ''}</p>`)
  })
  await new Promise<void>((r) => destination.listen(destPort, '127.0.0.1', () => r()))

  const adminKey = `gl_${randomBytes(24).toString('base64url')}`
  const common = {
    DATABASE_URL: env.dbUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: env.prefix,
    AUTH_MODE: 'token',
    GHOSTLINK_ADMIN_KEY: adminKey,
    QUARANTINE_MAP_FILE: nginx.vars.QUARANTINE_MAP_FILE,
    NGINX_RELOAD_CMD: `nginx ${nginxArgs(nginx).join(' ')} -s reload`,
    ENABLE_RISK_SCORING: 'true',
    PROBE_ALLOW_PRIVATE: 'true',
    LOCAL_CACHE_TTL_MS: '200',
  }
  const apps: AppProcess[] = []
  try {
    apps.push(await startApp('api', 'api', apiPort, { ...common, API_PORT: String(apiPort) }))
    apps.push(
      ...(await Promise.all([
        startApp('redirect', 'redirect', redirectPort, { ...common, REDIRECT_PORT: String(redirectPort), CLICK_CONSUMER: 'off' }),
        startApp('click-writer', 'click-writer', writerPort, { ...common, CLICK_WRITER_PORT: String(writerPort) }),
        startApp('web', 'web', webPort, {
          ...common,
          WEB_PORT: String(webPort),
          API_URL: `http://127.0.0.1:${apiPort}`,
          PUBLIC_BASE_URL: edge,
        }),
      ])),
    )
  } catch (err) {
    await Promise.all(apps.map((a) => a.stop()))
    await run('nginx', [...nginxArgs(nginx), '-s', 'stop']).catch(() => undefined)
    destination.close()
    await env.close()
    rmSync(prefixDir, { recursive: true, force: true })
    rmSync(nginx.vars.NGINX_TEMP_DIR, { recursive: true, force: true })
    throw err
  }
  return {
    env,
    edge,
    api: `http://127.0.0.1:${apiPort}`,
    web: `http://127.0.0.1:${webPort}`,
    destination: `http://127.0.0.1:${destPort}`,
    adminKey,
    apps,
    stop: async () => {
      await Promise.all(apps.map((a) => a.stop()))
      await run('nginx', [...nginxArgs(nginx), '-s', 'stop']).catch(() => undefined)
      destination.close()
      await env.close()
      rmSync(prefixDir, { recursive: true, force: true })
      // the workers' temp dir may live outside the prefix (render-nginx.mjs workerTempDir)
      rmSync(nginx.vars.NGINX_TEMP_DIR, { recursive: true, force: true })
    },
  }
}

/** A JSON call to the API with a key; throws with the body on an unexpected status. */
export async function apiCall<T>(p: Platform, key: string, method: string, path: string, body?: unknown, expect = [200, 201]): Promise<T> {
  const res = await fetch(p.api + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return (text ? JSON.parse(text) : undefined) as T
}
