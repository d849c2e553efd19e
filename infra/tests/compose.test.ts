// docker-compose.yml, the image definition and the workflows, checked structurally (and with `docker compose
// config` where the compose plugin exists; this machine has only the docker client, so the yaml parser is the gate).
import { execFile, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { EnvSchema } from '@ghostlink/config'
import { describe, expect, it } from 'vitest'
import { parse, parseDocument } from 'yaml'
import { INFRA_DIR, REPO_ROOT } from './helpers/paths.js'

const run = promisify(execFile)
const root = (p: string) => join(REPO_ROOT, p)
const composeText = readFileSync(root('docker-compose.yml'), 'utf8')

type Service = {
  image?: string
  build?: { context: string; dockerfile: string; args?: Record<string, string> }
  restart?: string
  healthcheck?: { test: string[] }
  environment?: Record<string, string | number>
  volumes?: string[]
  command?: string[] | string
  depends_on?: Record<string, { condition: string }>
  deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } }
  cpu_shares?: number
}
const doc = parseDocument(composeText, { merge: true })
const compose = doc.toJS({ maxAliasCount: 1000 }) as { services: Record<string, Service>; volumes: Record<string, unknown> }
const services = compose.services
// the platform's services: every app but the one-process mode (apps/standalone, `pnpm start`), which runs instead
// of the stack, never as one of its services (docs/decisions/2026-11-27-one-process-mode.md)
const apps = readdirSync(root('apps'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'standalone')
  .map((d) => d.name)
const defaults = EnvSchema.parse({})

describe('docker-compose.yml', () => {
  it('is valid YAML without duplicate keys (and `docker compose config` accepts it when the plugin exists)', async () => {
    expect(doc.errors).toEqual([])
    const plugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' })
    if (plugin.status === 0) {
      const env = { ...process.env, POSTGRES_PASSWORD: 'x', GRAFANA_ADMIN_PASSWORD: 'x', ALERT_WEBHOOK_URL: 'https://example.invalid/x', GHOSTLINK_ADMIN_KEY: 'x'.repeat(32) }
      await run('docker', ['compose', '-f', root('docker-compose.yml'), 'config', '-q'], { env })
    }
  })

  it('has the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'alertmanager',
        'api',
        'click-writer',
        'grafana',
        'migrate',
        'nginx',
        'postgres',
        'prober',
        'prometheus',
        'redirect-1',
        'redirect-2',
        'redis',
        'risk',
        'web',
      ].sort(),
    )
  })

  it('has a service built from infra/docker/Dockerfile for every app in apps/ (two replicas for redirect, the click writer its own image)', () => {
    for (const app of apps) {
      const built = Object.entries(services).filter(([, s]) => s.build?.args?.APP === app)
      expect(built.length, `services built with APP=${app}`).toBeGreaterThanOrEqual(app === 'redirect' ? 2 : 1)
      for (const [, s] of built) {
        expect(s.build?.dockerfile).toBe('infra/docker/Dockerfile')
        expect(s.image).toMatch(new RegExp(`/${app}:\\$\\{${app.toUpperCase().replaceAll('-', '_')}_IMAGE_TAG`))
      }
    }
  })

  it('gives every long-running service a healthcheck, a restart policy and resource limits', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.deploy?.resources?.limits?.memory, `${name} memory limit`).toBeTruthy()
      expect(s.deploy?.resources?.limits?.cpus, `${name} cpu limit`).toBeTruthy()
      if (name === 'migrate') {
        expect(s.restart).toBe('no')
        continue
      }
      expect(s.restart, name).toBe('unless-stopped')
      expect(s.healthcheck?.test.length, `${name} healthcheck`).toBeGreaterThan(0)
    }
  })

  it('gives the edge the largest CPU weight and the click writer the smallest, so the hot path goes first on a shared box', () => {
    const weight = (s: Service) => s.cpu_shares ?? 1024 // Docker's default
    const others = Object.entries(services).filter(([name]) => name !== 'nginx')
    for (const [name, s] of others) expect(weight(services.nginx!), name).toBeGreaterThanOrEqual(4 * weight(s))
    for (const [name, s] of others.filter(([name]) => name !== 'click-writer')) {
      expect(weight(s), name).toBeGreaterThanOrEqual(4 * weight(services['click-writer']!))
    }
  })

  it('passes release variables and the six flags to every app, on the ports packages/config defaults to', () => {
    const flags = [
      'ENABLE_QUARANTINE_MODE',
      'ENABLE_RISK_SCORING',
      'ENABLE_GHOST_PROBE_ALERTS',
      'ENABLE_CANARY_MONITORING',
      'ENABLE_AUTO_BLOCKING',
      'ENABLE_THREAT_HEATMAP',
    ]
    const release = ['APP_VERSION', 'PREVIOUS_APP_VERSION', 'GIT_SHA', 'DEPLOYED_AT', 'RELEASE_OWNER', 'RELEASE_NOTES_URL']
    const ports = {
      api: ['API_PORT', defaults.API_PORT],
      'redirect-1': ['REDIRECT_PORT', defaults.REDIRECT_PORT],
      'redirect-2': ['REDIRECT_PORT', defaults.REDIRECT_PORT],
      'click-writer': ['CLICK_WRITER_PORT', defaults.CLICK_WRITER_PORT],
      prober: ['PROBER_PORT', defaults.PROBER_PORT],
      risk: ['RISK_PORT', defaults.RISK_PORT],
      web: ['WEB_PORT', defaults.WEB_PORT],
    } as const
    for (const [name, [key, port]] of Object.entries(ports)) {
      const env = services[name]?.environment ?? {}
      for (const k of [...flags, ...release, 'DATABASE_URL', 'REDIS_URL', 'TRUSTED_PROXIES']) expect(env, `${name}.${k}`).toHaveProperty(k)
      expect(env[key]).toBe(port)
      // every variable the app gets is one packages/config knows
      for (const k of Object.keys(env).filter((k) => !['NODE_ENV', 'NODE_OPTIONS', 'PREVIOUS_APP_VERSION'].includes(k)))
        expect(EnvSchema.shape, k).toHaveProperty(k)
    }
  })

  it('takes secrets from .env only, and .env.example documents every variable compose reads', () => {
    for (const secret of ['POSTGRES_PASSWORD', 'GRAFANA_ADMIN_PASSWORD', 'ALERT_WEBHOOK_URL', 'GHOSTLINK_ADMIN_KEY'])
      expect(composeText).toMatch(new RegExp(`\\$\\{${secret}:\\?`))
    expect(composeText).not.toMatch(/PASSWORD:\s*['"]?[A-Za-z0-9]/)
    expect(composeText).not.toMatch(/https?:\/\/hooks/)
    const example = readFileSync(root('.env.example'), 'utf8')
    const documented = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]))
    const referenced = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]))
    const perService = /^(API|REDIRECT|PROBER|RISK|CLICK_WRITER)_(GIT_SHA|DEPLOYED_AT)$/ // optional overrides, written by rollback.sh
    expect([...referenced].filter((v) => v && !documented.has(v) && !perService.test(v))).toEqual([])
    expect(readFileSync(root('.gitignore'), 'utf8')).toMatch(/^\.env$/m)
  })

  it('persists Postgres and Redis (AOF) and gates the apps on the migration job', () => {
    expect(services.postgres?.volumes).toContain('pgdata:/var/lib/postgresql/data')
    expect(services.redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']))
    for (const app of ['api', 'redirect-1', 'redirect-2', 'prober', 'risk'])
      expect(services[app]?.depends_on?.migrate?.condition).toBe('service_completed_successfully')
    expect(services.migrate?.depends_on?.postgres?.condition).toBe('service_healthy')
  })

  it('mounts only files that exist in the repo', () => {
    for (const [name, s] of Object.entries(services))
      for (const v of s.volumes ?? []) {
        const src = v.split(':')[0] ?? ''
        if (src.startsWith('./')) expect(existsSync(root(src)), `${name}: ${src}`).toBe(true)
        else expect(compose.volumes, `${name}: named volume ${src}`).toHaveProperty(src)
      }
  })

  it('gives the nginx container every variable of the edge template', () => {
    const template = readFileSync(join(INFRA_DIR, 'nginx/nginx.conf.template'), 'utf8')
    const vars = new Set([...template.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1] ?? ''))
    const env = services.nginx?.environment ?? {}
    const filter = new RegExp(String(env.NGINX_ENVSUBST_FILTER))
    for (const v of vars) {
      expect(env, v).toHaveProperty(v)
      expect(filter.test(v), `${v} passes NGINX_ENVSUBST_FILTER`).toBe(true)
    }
    // the trusted-proxy rule of the apps names exactly the edge's fixed address
    expect(composeText).toMatch(/TRUSTED_PROXIES: 172\.28\.0\.10/)
    expect(composeText).toMatch(/ipv4_address: 172\.28\.0\.10/)
  })

  it('scrapes exactly the app services with Prometheus', () => {
    const prom = parse(readFileSync(join(INFRA_DIR, 'prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[]
    }
    const hosts = prom.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets.map((t) => t.split(':')[0])))
    for (const h of hosts) if (h !== 'localhost') expect(services, h).toHaveProperty(h ?? '')
  })
})

describe('image definition', () => {
  const dockerfile = readFileSync(join(INFRA_DIR, 'docker/Dockerfile'), 'utf8')

  it('is multi-stage, pruned, production-only, non-root, with a HEALTHCHECK', () => {
    expect(dockerfile).toMatch(/ARG APP/)
    expect(dockerfile).toMatch(/node -p "require\('\.\/apps\/\$\{APP\}\/package\.json'\)\.name"/)
    expect(dockerfile).toMatch(/turbo prune "\$PKG" --docker/)
    expect(dockerfile).toMatch(/pnpm install --prod --frozen-lockfile/)
    expect(dockerfile).toMatch(/^USER node$/m)
    expect(dockerfile).toMatch(/^HEALTHCHECK .*healthcheck\.mjs/m)
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3)
  })

  it('every app is a workspace package with the build script the image runs', () => {
    for (const app of apps) {
      const pkg = JSON.parse(readFileSync(root(`apps/${app}/package.json`), 'utf8')) as { name: string; scripts: Record<string, string> }
      expect(pkg.name).toMatch(/^@ghostlink\//)
      expect(pkg.scripts.build, app).toBeTruthy()
    }
  })

  it('the images workflow builds every app and pushes only on v* tags', () => {
    const wf = parse(readFileSync(root('.github/workflows/images.yml'), 'utf8')) as {
      on: { push: { tags: string[] } }
      jobs: { build: { strategy: { matrix: { app: string[] } }; steps: { with?: Record<string, unknown> }[] } }
    }
    expect([...wf.jobs.build.strategy.matrix.app].sort()).toEqual([...apps].sort())
    expect(wf.on.push.tags).toEqual(['v*'])
    const build = wf.jobs.build.steps.find((s) => s.with?.file === 'infra/docker/Dockerfile')
    expect(build?.with?.push).toBe(`$\{{ startsWith(github.ref, 'refs/tags/v') }}`)
  })

  it('the CI workflow runs pnpm test with Postgres and Redis service containers', () => {
    const wf = parse(readFileSync(root('.github/workflows/ci.yml'), 'utf8')) as {
      jobs: { test: { services: Record<string, unknown>; steps: { run?: string }[] } }
    }
    expect(Object.keys(wf.jobs.test.services).sort()).toEqual(['postgres', 'redis'])
    expect(wf.jobs.test.steps.map((s) => s.run)).toContain('pnpm test')
  })

  it.each([
    [200, 0],
    [503, 1],
  ])('healthcheck.mjs exits %s -> %s', async (status, code) => {
    const srv = createServer((req, res) => {
      res.writeHead(req.url === '/health' ? status : 404).end()
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    const port = (srv.address() as AddressInfo).port
    try {
      const env = { ...process.env, APP: 'redirect', REDIRECT_PORT: String(port) }
      const result = await run('node', [join(INFRA_DIR, 'docker/healthcheck.mjs')], { env }).then(
        () => 0,
        (e: { code: number }) => e.code,
      )
      expect(result).toBe(code)
    } finally {
      srv.close()
    }
  })
})
