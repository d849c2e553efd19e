// infra/scripts/rollback.sh against a temp env file and state file, with a fake `docker` on PATH
// (logs its arguments, reports containers healthy or not as the test asks).
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { INFRA_DIR } from './helpers/paths.js'

const SCRIPT = join(INFRA_DIR, 'scripts/rollback.sh')
const ENV = `POSTGRES_PASSWORD=secret
API_IMAGE_TAG=v2.1.0
PREVIOUS_API_IMAGE_TAG=v2.0.3
REDIRECT_IMAGE_TAG="v2.1.0"
PREVIOUS_REDIRECT_IMAGE_TAG=v2.0.3
PROBER_IMAGE_TAG=v2.1.0
PREVIOUS_PROBER_IMAGE_TAG=
RISK_IMAGE_TAG=v2.1.0
PREVIOUS_RISK_IMAGE_TAG=v2.0.3
WEB_IMAGE_TAG=v2.1.0
PREVIOUS_WEB_IMAGE_TAG=v2.0.2
`
const FAKE_DOCKER = `#!/bin/sh
echo "$*" >> "$FAKE_DOCKER_LOG"
case "$*" in
  *" up -d "*) [ -n "$FAKE_SLEEP" ] && sleep "$FAKE_SLEEP"; exit "\${FAKE_UP_RC:-0}" ;;
  *" ps -q "*) for last; do :; done; echo "id-$last" ;;
  inspect*) echo "\${FAKE_HEALTH:-healthy}" ;;
esac
`

let dir: string
let paths: { env: string; state: string; log: string; dockerLog: string; bin: string }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gl-rollback-'))
  paths = {
    env: join(dir, '.env'),
    state: join(dir, 'state/rollback_state.env'),
    log: join(dir, 'state/rollback_events.log'),
    dockerLog: join(dir, 'docker.log'),
    bin: join(dir, 'bin'),
  }
  writeFileSync(paths.env, ENV)
  mkdirSync(paths.bin, { recursive: true })
  writeFileSync(join(paths.bin, 'docker'), FAKE_DOCKER)
  chmodSync(join(paths.bin, 'docker'), 0o755)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

type Result = { code: number; stdout: string; stderr: string }
const rollback = (args: string[], env: Record<string, string> = {}) =>
  new Promise<Result>((resolve) => {
    execFile(
      'bash',
      [SCRIPT, ...args],
      {
        env: {
          ...process.env,
          PATH: `${paths.bin}:${process.env.PATH}`,
          ENV_FILE: paths.env,
          COMPOSE_FILE: join(dir, 'docker-compose.yml'),
          ROLLBACK_STATE_FILE: paths.state,
          FAKE_DOCKER_LOG: paths.dockerLog,
          ROLLBACK_POLL_SECONDS: '0.1',
          USER: 'tester',
          ...env,
        },
      },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
const state = () =>
  Object.fromEntries(
    readFileSync(paths.state, 'utf8')
      .trim()
      .split('\n')
      .map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]),
  )
const envValue = (key: string) => readFileSync(paths.env, 'utf8').match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1]
const dockerCalls = () => (existsSync(paths.dockerLog) ? readFileSync(paths.dockerLog, 'utf8').trim().split('\n') : [])

describe('rollback.sh --dry-run', () => {
  it('prints the exact changes and changes nothing', async () => {
    const res = await rollback(['--dry-run', 'api'])
    expect(res.code).toBe(0)
    expect(res.stdout).toContain(`${paths.env}:2 API_IMAGE_TAG: "v2.1.0" -> "v2.0.3"`)
    expect(res.stdout).toContain(`${paths.env}:3 PREVIOUS_API_IMAGE_TAG: "v2.0.3" -> "v2.1.0"`)
    expect(res.stdout).toContain('up -d --no-build api')
    expect(res.stdout).toMatch(/ROLLBACKS_TOTAL 0 -> \+1, RECOVERY_ATTEMPTS_TOTAL 0 -> 1/)
    expect(res.stdout).toContain('No files changed because --dry-run was used.')
    expect(readFileSync(paths.env, 'utf8')).toBe(ENV)
    expect(existsSync(paths.state)).toBe(false)
    expect(dockerCalls()).toEqual([])
  })

  it('plan for redirect covers both replicas; `plan` is an alias of --dry-run', async () => {
    const res = await rollback(['plan', 'redirect'])
    expect(res.stdout).toContain('REDIRECT_IMAGE_TAG: "v2.1.0" -> "v2.0.3"')
    expect(res.stdout).toContain('up -d --no-build redirect-1 redirect-2')
    expect(readFileSync(paths.env, 'utf8')).toBe(ENV)
  })

  it('says so when there is nothing to roll back to', async () => {
    const res = await rollback(['--dry-run', 'prober'])
    expect(res.code).toBe(3)
    expect(res.stderr).toMatch(/nothing to roll back to/)
  })
})

describe('rollback.sh', () => {
  it('switches the tag, restarts, waits for health and records telemetry', async () => {
    const res = await rollback(['api'])
    expect(res.code, res.stderr).toBe(0)
    expect(envValue('API_IMAGE_TAG')).toBe('v2.0.3')
    expect(envValue('PREVIOUS_API_IMAGE_TAG')).toBe('v2.1.0')
    expect(envValue('API_DEPLOYED_AT')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(envValue('POSTGRES_PASSWORD')).toBe('secret') // the rest of the file is untouched
    expect(envValue('REDIRECT_IMAGE_TAG')).toBe('"v2.1.0"')
    const calls = dockerCalls()
    expect(calls[0]).toBe(`compose --env-file ${paths.env} -f ${join(dir, 'docker-compose.yml')} up -d --no-build api`)
    expect(calls.some((c) => c.startsWith('inspect') && c.endsWith('id-api'))).toBe(true)
    expect(state()).toMatchObject({
      ROLLBACKS_TOTAL: '1',
      RECOVERY_ATTEMPTS_TOTAL: '1',
      RECOVERY_SUCCESS_TOTAL: '1',
      MEAN_TIME_TO_DETECT_MINUTES: '2.00',
      LAST_ROLLBACK_SERVICE: 'api',
      LAST_ROLLBACK_FROM: 'v2.1.0',
      LAST_ROLLBACK_TO: 'v2.0.3',
      LAST_ROLLBACK_STATUS: 'success',
    })
    expect(state().LAST_ROLLBACK_AT).toMatch(/Z$/)
    expect(state().MEAN_TIME_TO_RECOVER_MINUTES).toMatch(/^\d+\.\d\d$/)
    expect(readFileSync(paths.log, 'utf8')).toMatch(/action=rollback service=api from=v2\.1\.0 to=v2\.0\.3 actor=tester status=success/)
  })

  it('measures the time to recover (a 3 s restart is 0.05 min) and keeps running means', async () => {
    expect((await rollback(['api'], { FAKE_SLEEP: '3' })).code).toBe(0)
    // 3 s of restart plus the script's own health checks, in minutes with two decimals (a loaded machine adds a little)
    const first = Number(state().MEAN_TIME_TO_RECOVER_MINUTES)
    expect(state().MEAN_TIME_TO_RECOVER_MINUTES).toMatch(/^\d+\.\d{2}$/)
    expect(first).toBeGreaterThanOrEqual(0.05)
    expect(first).toBeLessThanOrEqual(0.07)
    // roll forward again with an explicit target, detected after 4 minutes, instantly healthy
    expect((await rollback(['--detect-minutes', '4', 'api', 'v2.1.0'])).code).toBe(0)
    const s = state()
    expect(s).toMatchObject({
      ROLLBACKS_TOTAL: '2',
      RECOVERY_SUCCESS_TOTAL: '2',
      MEAN_TIME_TO_DETECT_MINUTES: '3.00',
      LAST_ROLLBACK_TO: 'v2.1.0',
    })
    expect(Number(s.LAST_ROLLBACK_RECOVERY_MINUTES)).toBeLessThan(0.02)
    const expectedMean = (first + Number(s.LAST_ROLLBACK_RECOVERY_MINUTES)) / 2
    expect(Math.abs(Number(s.MEAN_TIME_TO_RECOVER_MINUTES) - expectedMean)).toBeLessThanOrEqual(0.0051)
  })

  it('counts a failed rollback as an attempt without a success', async () => {
    expect((await rollback(['redirect'])).code).toBe(0)
    const res = await rollback(['risk'], { FAKE_HEALTH: 'unhealthy', ROLLBACK_HEALTH_TIMEOUT_SECONDS: '1' })
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/NOT healthy/)
    expect(state()).toMatchObject({
      ROLLBACKS_TOTAL: '2',
      RECOVERY_ATTEMPTS_TOTAL: '2',
      RECOVERY_SUCCESS_TOTAL: '1',
      LAST_ROLLBACK_SERVICE: 'risk',
      LAST_ROLLBACK_STATUS: 'failed',
    })
    const failedCompose = await rollback(['api'], { FAKE_UP_RC: '1' })
    expect(failedCompose.code).toBe(1)
    expect(state()).toMatchObject({ RECOVERY_ATTEMPTS_TOTAL: '3', RECOVERY_SUCCESS_TOTAL: '1' })
  })

  it('all rolls back every service that has a previous tag, redirect first', async () => {
    const res = await rollback(['all'])
    expect(res.code).toBe(3) // prober has no previous tag: reported, the others still roll back
    const ups = dockerCalls().filter((c) => c.includes(' up -d '))
    expect(ups.map((c) => c.split('--no-build ')[1])).toEqual(['redirect-1 redirect-2', 'api', 'risk', 'web'])
    expect(
      [envValue('REDIRECT_IMAGE_TAG'), envValue('API_IMAGE_TAG'), envValue('RISK_IMAGE_TAG'), envValue('PROBER_IMAGE_TAG'), envValue('WEB_IMAGE_TAG')],
    ).toEqual(['v2.0.3', 'v2.0.3', 'v2.0.3', 'v2.1.0', 'v2.0.2'])
    expect(state()).toMatchObject({ ROLLBACKS_TOTAL: '4', RECOVERY_SUCCESS_TOTAL: '4', LAST_ROLLBACK_SERVICE: 'web' })
  })

  it('rolls the web dashboard back on its own tag', async () => {
    const res = await rollback(['web'])
    expect(res.code, res.stderr).toBe(0)
    expect(dockerCalls().filter((c) => c.includes(' up -d ')).map((c) => c.split('--no-build ')[1])).toEqual(['web'])
    expect([envValue('WEB_IMAGE_TAG'), envValue('PREVIOUS_WEB_IMAGE_TAG'), envValue('API_IMAGE_TAG')]).toEqual(['v2.0.2', 'v2.1.0', 'v2.1.0'])
  })

  it('rejects an unknown service', async () => {
    const res = await rollback(['database'])
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(/usage/)
  })
})
