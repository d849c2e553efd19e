import type { MetricValue, MetricValueWithName, Registry } from 'prom-client'

/**
 * Counters and histograms for code that runs on every request. prom-client's `inc`/`observe` allocate a closure,
 * validate and hash the label set on every call, even through a `labels()` child (~1 µs each; a redirect made
 * five such calls). Here a child is bound to its label set once, and a call adds to plain
 * numbers; the registry reads them at scrape time through the same `get()` contract prom-client's own metrics
 * implement, so the exposition is identical (tests/tally.test.ts compares them line by line).
 * docs/decisions/2026-11-26-tally-metrics.md
 */

type Labels<L extends string> = Partial<Record<L, string | number>>

type TallyOptions<L extends string> = {
  name: string
  help: string
  labelNames?: readonly L[]
  registers: Registry[]
}

abstract class Tally<L extends string, Child> {
  readonly name: string
  readonly help: string
  abstract readonly type: 'counter' | 'histogram'
  readonly aggregator = 'sum' as const
  protected readonly labelNames: readonly L[]
  private readonly children = new Map<string, { labels: Labels<L>; child: Child }>()

  constructor(opts: TallyOptions<L>) {
    this.name = opts.name
    this.help = opts.help
    this.labelNames = opts.labelNames ?? []
    for (const r of opts.registers) r.registerMetric(this as never)
  }

  protected abstract newChild(): Child
  protected abstract zero(child: Child): void
  protected abstract values(labels: Labels<L>, child: Child): Array<MetricValue<string> | MetricValueWithName<string>>

  /** The child for one label set: bind it once, then call it on the hot path. */
  labels(labels: Labels<L> = {}): Child {
    for (const k of Object.keys(labels)) {
      if (!this.labelNames.includes(k as L)) throw new Error(`${this.name}: unknown label ${k}`)
    }
    const key = this.labelNames.map((n) => String(labels[n] ?? '')).join('\u0000')
    let entry = this.children.get(key)
    if (entry === undefined) {
      entry = { labels, child: this.newChild() }
      this.children.set(key, entry)
    }
    return entry.child
  }

  /** prom-client's Registry reads a metric through this (exposition, JSON and aggregation alike). */
  async get() {
    const values = [...this.children.values()].flatMap(({ labels, child }) => this.values(labels, child))
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  /** Zeroes every child: callers hold bound children, so a reset must not orphan them. */
  reset(): void {
    for (const { child } of this.children.values()) this.zero(child)
  }
}

export class CounterTally {
  value = 0
  /** A counter never goes down: negative or non-numeric increments are ignored (prom-client throws). */
  inc(n = 1): void {
    if (n >= 0) this.value += n
  }
}

export class TallyCounter<L extends string = string> extends Tally<L, CounterTally> {
  readonly type = 'counter'
  protected newChild() {
    return new CounterTally()
  }
  protected zero(child: CounterTally) {
    child.value = 0
  }
  protected values(labels: Labels<L>, child: CounterTally) {
    return [{ labels, value: child.value }]
  }
}

export class HistogramTally {
  readonly counts: Float64Array
  sum = 0
  count = 0
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length)
  }
  /** A non-finite value is ignored (prom-client throws): one would poison the sum for good. */
  observe(v: number): void {
    if (!Number.isFinite(v)) return
    const b = this.bounds
    let i = 0
    while (i < b.length && v > b[i]!) i++
    if (i < b.length) this.counts[i]! += 1
    this.sum += v
    this.count += 1
  }
}

export class TallyHistogram<L extends string = string> extends Tally<L, HistogramTally> {
  readonly type = 'histogram'
  private readonly bounds: readonly number[]
  constructor(opts: TallyOptions<L> & { buckets: readonly number[] }) {
    super(opts)
    this.bounds = [...opts.buckets].sort((a, b) => a - b)
  }
  protected newChild() {
    return new HistogramTally(this.bounds)
  }
  protected zero(child: HistogramTally) {
    child.counts.fill(0)
    child.sum = 0
    child.count = 0
  }
  protected values(labels: Labels<L>, child: HistogramTally) {
    let cumulative = 0
    const out: MetricValueWithName<string>[] = child.bounds.map((le, i) => {
      cumulative += child.counts[i]!
      return { metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: cumulative }
    })
    out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: child.count })
    out.push({ metricName: `${this.name}_sum`, labels, value: child.sum })
    out.push({ metricName: `${this.name}_count`, labels, value: child.count })
    return out
  }
}
