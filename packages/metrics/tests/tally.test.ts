import { Counter, Histogram, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { TallyCounter, TallyHistogram } from '../src/tally.js'

/** Two registries with the same default label, one holding prom-client's metric and one the tally. */
const registries = () => {
  const ours = new Registry()
  const theirs = new Registry()
  for (const r of [ours, theirs]) r.setDefaultLabels({ service: 'test' })
  return { ours, theirs }
}

/** The exposition with each sample's labels sorted: label order carries no meaning in Prometheus' text format. */
const normalised = async (r: Registry) =>
  (await r.metrics()).split('\n').map((line) => {
    const m = line.match(/^(\w+)\{(.*)\} (.+)$/)
    return m ? `${m[1]}{${m[2]!.split(/,(?=\w+=")/).sort().join(',')}} ${m[3]}` : line
  })

// seeded, so a failure repeats
function* values(n: number): Generator<number> {
  let x = 42
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31
    yield (x / 2 ** 31) * 0.3
  }
}

describe('tally metrics', () => {
  it('a histogram exposes exactly what prom-client exposes for the same observations, bucket edges included', async () => {
    const { ours, theirs } = registries()
    const buckets = [0.001, 0.005, 0.01, 0.05, 0.1]
    const opts = { name: 'h_seconds', help: 'h', labelNames: ['route', 'status_code'] as const, buckets }
    const reference = new Histogram({ ...opts, registers: [theirs] })
    const tally = new TallyHistogram({ ...opts, registers: [ours] })
    const a = tally.labels({ route: '/:code', status_code: '302' })
    const b = tally.labels({ route: '/health', status_code: '200' })
    for (const v of [...values(500), 0.001, 0.005, 0.1, 7]) {
      reference.observe({ route: '/:code', status_code: '302' }, v)
      a.observe(v)
    }
    reference.observe({ route: '/health', status_code: '200' }, 0.002)
    b.observe(0.002)
    expect(await normalised(ours)).toEqual(await normalised(theirs))
  })

  it('a counter exposes exactly what prom-client exposes, and a child is bound once per label set', async () => {
    const { ours, theirs } = registries()
    const opts = { name: 'c_total', help: 'c', labelNames: ['app_version', 'status'] as const }
    const reference = new Counter({ ...opts, registers: [theirs] })
    const tally = new TallyCounter({ ...opts, registers: [ours] })
    expect(tally.labels({ app_version: 'v1', status: 302 })).toBe(tally.labels({ app_version: 'v1', status: '302' }))
    for (let i = 0; i < 7; i++) {
      reference.inc({ app_version: 'v1', status: '302' })
      tally.labels({ app_version: 'v1', status: 302 }).inc()
    }
    reference.inc({ app_version: 'v1', status: '404' }, 3)
    tally.labels({ app_version: 'v1', status: 404 }).inc(3)
    expect(await normalised(ours)).toEqual(await normalised(theirs))
    expect((await ours.getMetricsAsJSON())[0]).toMatchObject({ name: 'c_total', type: 'counter' })
  })

  it('rejects an undeclared label and values prom-client would refuse; a registry reset zeroes children that stay bound', async () => {
    const { ours } = registries()
    const tally = new TallyCounter({ name: 'r_total', help: 'r', labelNames: ['status'], registers: [ours] })
    const hist = new TallyHistogram({ name: 'r_seconds', help: 'r', buckets: [1], registers: [ours] })
    expect(() => tally.labels({ statuss: 1 } as never)).toThrow(/unknown label statuss/)
    const bound = tally.labels({ status: 1 })
    bound.inc(5)
    bound.inc(-3) // a counter never goes down
    hist.labels().observe(0.5)
    hist.labels().observe(Number.NaN) // would poison the sum
    const beforeReset = await ours.metrics()
    expect(beforeReset).toMatch(/^r_total\{status="1",service="test"\} 5$/m)
    expect(beforeReset).toMatch(/^r_seconds_sum\{service="test"\} 0.5$/m)
    expect(beforeReset).toMatch(/^r_seconds_count\{service="test"\} 1$/m)
    ours.resetMetrics()
    bound.inc()
    const text = await ours.metrics()
    expect(text).toMatch(/^r_total\{status="1",service="test"\} 1$/m)
    expect(text).toMatch(/^r_seconds_count\{service="test"\} 0$/m)
    expect(text).toMatch(/^r_seconds_bucket\{le="1",service="test"\} 0$/m)
  })
})
