// Each part of the front door in a CPU group of its own, as compose runs each service in a container, which is a
// cgroup: one share of the CPU per service (cpu.shares, Docker's default 1024 unless the service sets `cpu_shares`)
// and its `deploy.resources.limits.cpus` as a CFS quota. docs/decisions/2026-11-28-bench-cpu-groups.md.
//
// Without it the host's scheduler groups processes its own way: with autogroup (kernel.sched_autogroup_enabled=1, on
// here), every session is a group with one share, and every Postgres backend starts a session (setsid), so each busy
// backend takes a share as large as the whole edge's, and a process's nice value counts only inside its session.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

const V1_CPU = '/sys/fs/cgroup/cpu'
const PERIOD_US = 100_000
const DEFAULT_SHARES = 1024

export type CpuLimit = { cpus?: number; shares?: number }

type ComposeService = { cpu_shares?: number | string; deploy?: { resources?: { limits?: { cpus?: number | string } } } }

/** A compose service's CPU settings: `cpu_shares` and `deploy.resources.limits.cpus`. */
export function composeCpuLimit(composeFile: string, service: string): CpuLimit {
  const doc = parse(readFileSync(composeFile, 'utf8')) as { services: Record<string, ComposeService> }
  const s = doc.services[service]
  if (!s) throw new Error(`${composeFile} has no service ${service}`)
  const cpus = s.deploy?.resources?.limits?.cpus
  return {
    ...(cpus === undefined ? {} : { cpus: Number(cpus) }),
    ...(s.cpu_shares === undefined ? {} : { shares: Number(s.cpu_shares) }),
  }
}

export type CpuGroups = {
  /** Moves a process (all its threads) and, with `tree`, its descendants into the group. */
  add(group: string, pid: number, tree?: boolean): void
  /** A command line that joins the group before it runs (for a process the bench spawns and waits for, like wrk). */
  wrap(group: string, cmd: string, args: string[]): [string, string[]]
  /** Seconds the group's quota held it back so far (cpu.stat throttled_time). */
  throttledSeconds(group: string): number
  /** Checks that a process is in its group (a process that moved itself elsewhere would void the figures). */
  contains(group: string, pid: number): boolean
  /** Moves whatever is left back to the root group and removes the groups. */
  remove(): void
}

/**
 * Creates one cgroup (v1 `cpu` controller) per group under `name`; undefined where that controller cannot be written
 * (not root, or a cgroup v2 only host): the bench then says so and runs without them.
 */
export function createCpuGroups(name: string, limits: Record<string, CpuLimit>): CpuGroups | undefined {
  if (process.getuid?.() !== 0 || !existsSync(join(V1_CPU, 'cgroup.procs'))) return undefined
  const base = join(V1_CPU, name)
  const path = (group: string) => {
    if (!(group in limits)) throw new Error(`no CPU group ${group}`)
    return join(base, group)
  }
  mkdirSync(base)
  for (const [group, limit] of Object.entries(limits)) {
    const dir = join(base, group)
    mkdirSync(dir)
    writeFileSync(join(dir, 'cpu.shares'), String(limit.shares ?? DEFAULT_SHARES))
    writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US))
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), limit.cpus === undefined ? '-1' : String(Math.round(limit.cpus * PERIOD_US)))
  }
  const descendants = (pid: number): number[] => {
    const file = `/proc/${pid}/task/${pid}/children`
    const kids = existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : []
    return kids.flatMap((k) => [k, ...descendants(k)])
  }
  const move = (dir: string, pid: number) => {
    try {
      writeFileSync(join(dir, 'cgroup.procs'), String(pid))
    } catch (err) {
      if (existsSync(`/proc/${pid}`)) throw err // one that ended meanwhile (a backend) has nothing to move
    }
  }
  return {
    add(group, pid, tree = false) {
      const dir = path(group)
      for (const p of [pid, ...(tree ? descendants(pid) : [])]) move(dir, p)
    },
    wrap(group, cmd, args) {
      return ['sh', ['-c', `echo $$ > ${join(path(group), 'cgroup.procs')} && exec "$@"`, 'sh', cmd, ...args]]
    },
    throttledSeconds(group) {
      const stat = readFileSync(join(path(group), 'cpu.stat'), 'utf8')
      return Number(stat.match(/^throttled_time (\d+)$/m)?.[1] ?? 0) / 1e9
    },
    contains(group, pid) {
      return readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').some((l) => /^\d+:cpu(,|:)/.test(l) && l.endsWith(`/${name}/${group}`))
    },
    remove() {
      for (const group of Object.keys(limits)) {
        const dir = join(base, group)
        for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) move(V1_CPU, Number(pid))
        rmdirSync(dir)
      }
      rmdirSync(base)
    },
  }
}
