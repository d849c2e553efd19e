import { execFileSync } from 'node:child_process'
import { getPriority } from 'node:os'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const module = fileURLToPath(new URL('../src/cpu-priority.ts', import.meta.url))

/** Runs `calls` through lowerCpuPriority in a fresh Node process; returns each call's result and every thread's niceness. */
function inChild(calls: number[]): { results: number[]; threads: number[] } {
  const script = `
    import { lowerCpuPriority } from ${JSON.stringify(module)}
    import { readdirSync } from 'node:fs'
    import { getPriority } from 'node:os'
    const results = ${JSON.stringify(calls)}.map((n) => lowerCpuPriority(n))
    const threads = readdirSync('/proc/self/task').map((t) => getPriority(Number(t)))
    console.log(JSON.stringify({ results, threads }))`
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })
  return JSON.parse(out.trim().split('\n').at(-1)!)
}

// the child starts at this process's niceness (0 unless the suite itself runs niced)
const base = getPriority()

describe('lowerCpuPriority (CLICK_WRITER_NICE)', () => {
  it('sets every thread of the process, and never raises a priority it lowered', () => {
    const target = Math.min(base + 7, 19)
    const { results, threads } = inChild([target, base])
    expect(results).toEqual([target, target])
    // V8's and libuv's threads too, not only the main thread
    expect(threads.length).toBeGreaterThan(1)
    expect(new Set(threads)).toEqual(new Set([target]))
  })

  it('0 leaves the process as it was started', () => {
    const { results, threads } = inChild([0])
    expect(results).toEqual([base])
    expect(new Set(threads)).toEqual(new Set([base]))
  })
})
