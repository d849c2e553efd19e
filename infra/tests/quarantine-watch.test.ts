// infra/nginx/entrypoint.d/05-quarantine-map.sh (compose nginx container): creates the map when missing and
// reloads nginx after a valid change. Run with a fake `nginx` on PATH that logs its arguments.
import { type ChildProcess, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { INFRA_DIR } from './helpers/paths.js'

const dir = mkdtempSync(join(tmpdir(), 'gl-qwatch-'))
const map = join(dir, 'quarantine/blocked_codes.conf')
const log = join(dir, 'nginx.log')
let hook: ChildProcess

const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [])

beforeAll(async () => {
  mkdirSync(join(dir, 'bin'))
  // `nginx -t` fails when the map contains the word BROKEN, like a real syntax error would
  writeFileSync(join(dir, 'bin/nginx'), `#!/bin/sh\necho "$*" >> "${log}"\ncase "$*" in -t*) ! grep -q BROKEN "${map}" ;; esac\n`)
  chmodSync(join(dir, 'bin/nginx'), 0o755)
  // its own process group, so afterAll can stop the watcher loop the hook leaves behind
  hook = spawn('sh', [join(INFRA_DIR, 'nginx/entrypoint.d/05-quarantine-map.sh')], {
    env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, QUARANTINE_MAP_FILE: map, QUARANTINE_WATCH_SECONDS: '0.2' },
    detached: true,
    stdio: 'ignore',
  })
  await new Promise((r) => hook.once('exit', r))
})

afterAll(() => {
  if (hook.pid) process.kill(-hook.pid, 'SIGTERM')
  rmSync(dir, { recursive: true, force: true })
})

it('creates an empty map so nginx can start', () => {
  expect(hook.exitCode).toBe(0)
  expect(readFileSync(map, 'utf8')).toMatch(/^#/)
  expect(calls()).toEqual([])
})

it('reloads nginx after the map is replaced (atomic rename), only when nginx -t accepts it', async () => {
  writeFileSync(`${map}.tmp`, '/abc 1;\n/r/abc 1;\n/urls/abc 1;\n')
  renameSync(`${map}.tmp`, map)
  await vi.waitFor(async () => expect(calls().includes('-s reload'), 'a reload').toBe(true), { timeout: 5_000, interval: 100 })
  expect(calls()).toEqual(['-t -q', '-s reload'])

  writeFileSync(`${map}.tmp`, 'BROKEN\n')
  renameSync(`${map}.tmp`, map)
  await vi.waitFor(async () => expect(calls().length === 3, 'a rejected test').toBe(true), { timeout: 5_000, interval: 100 })
  await new Promise((r) => setTimeout(r, 600))
  expect(calls()).toEqual(['-t -q', '-s reload', '-t -q'])
})

it('on Kubernetes copies the published ConfigMap key (absent at first, then swapped by the kubelet) and reloads', async () => {
  // the kubelet's layout of a ConfigMap volume: <dir>/<key> -> ..data/<key>, ..data -> ..<version>/
  const cm = join(dir, 'configmap')
  const target = join(dir, 'k8s/blocked_codes.conf')
  const cmLog = join(dir, 'nginx-cm.log')
  mkdirSync(cm)
  writeFileSync(join(dir, 'bin/nginx'), `#!/bin/sh\necho "$*" >> "${cmLog}"\n`)
  const watcher = spawn('sh', [join(INFRA_DIR, 'nginx/entrypoint.d/05-quarantine-map.sh')], {
    env: {
      ...process.env,
      PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
      QUARANTINE_MAP_FILE: target,
      QUARANTINE_MAP_SOURCE: join(cm, 'blocked_codes.conf'),
      QUARANTINE_WATCH_SECONDS: '0.2',
    },
    detached: true,
    stdio: 'ignore',
  })
  const cmCalls = () => (existsSync(cmLog) ? readFileSync(cmLog, 'utf8').trim().split('\n') : [])
  const publish = (version: string, text: string) => {
    mkdirSync(join(cm, `..${version}`))
    writeFileSync(join(cm, `..${version}/blocked_codes.conf`), text)
    symlinkSync(`..${version}`, join(cm, '..data_tmp'))
    renameSync(join(cm, '..data_tmp'), join(cm, '..data'))
    if (!existsSync(join(cm, 'blocked_codes.conf'))) symlinkSync('..data/blocked_codes.conf', join(cm, 'blocked_codes.conf'))
  }
  try {
    await new Promise((r) => watcher.once('exit', r))
    expect(readFileSync(target, 'utf8')).toMatch(/^#/) // nothing published yet: nginx starts with an empty map

    publish('v1', '/abc 1;\n/r/abc 1;\n/urls/abc 1;\n')
    await vi.waitFor(async () => expect(cmCalls().includes('-s reload'), 'a reload').toBe(true), { timeout: 5_000, interval: 100 })
    expect(readFileSync(target, 'utf8')).toContain('/abc 1;')

    publish('v2', '/xyz 1;\n/r/xyz 1;\n/urls/xyz 1;\n')
    await vi.waitFor(async () => expect(cmCalls().filter((c) => c === '-s reload').length === 2, 'a second reload').toBe(true), { timeout: 5_000, interval: 100 })
    expect(readFileSync(target, 'utf8')).toBe('/xyz 1;\n/r/xyz 1;\n/urls/xyz 1;\n')
    expect(cmCalls()).toEqual(['-t -q', '-s reload', '-t -q', '-s reload'])
  } finally {
    if (watcher.pid) process.kill(-watcher.pid, 'SIGTERM')
  }
})
