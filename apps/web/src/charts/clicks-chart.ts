import { type Html, html, raw } from '../html.js'

export type ChartPoint = { t: string; humans: number; bots: number }

const W = 720
const H = 240
const PAD = { top: 12, right: 12, bottom: 34, left: 44 }

/** A round axis maximum ≥ max: 1, 2, 5 × 10^n. */
export function niceMax(max: number) {
  if (max <= 0) return 1
  const p = 10 ** Math.floor(Math.log10(max))
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p
  return 10 * p
}

const label = (iso: string, interval: string) => {
  const d = new Date(iso)
  return interval === 'hour' ? `${String(d.getUTCHours()).padStart(2, '0')}:00` : `${d.getUTCDate()}/${d.getUTCMonth() + 1}`
}

/**
 * Clicks over time as a server-rendered SVG of stacked bars (humans below, bots above), sized by its viewBox so it
 * scales to the screen. No script, no library; the numbers are also in the table the page puts beside it.
 */
export function clicksChart(points: ChartPoint[], interval: string, caption: string): Html {
  const innerW = W - PAD.left - PAD.right
  const innerH = H - PAD.top - PAD.bottom
  const max = niceMax(Math.max(0, ...points.map((p) => p.humans + p.bots)))
  const n = Math.max(points.length, 1)
  const slot = innerW / n
  const bar = Math.max(1, slot * 0.75)
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH
  const every = Math.ceil(n / 8)
  const parts: string[] = []
  // a middle line only where it falls on a whole click
  for (const tick of max % 2 === 0 ? [0, max / 2, max] : [0, max]) {
    const ty = y(tick).toFixed(1)
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${ty}" y2="${ty}" class="grid"/>`)
    parts.push(
      `<text x="${PAD.left - 6}" y="${ty}" class="tick" text-anchor="end" dominant-baseline="middle">${Number.isInteger(tick) ? tick : tick.toFixed(1)}</text>`,
    )
  }
  points.forEach((p, i) => {
    const x = PAD.left + i * slot + (slot - bar) / 2
    const hTop = y(p.humans)
    const bTop = y(p.humans + p.bots)
    if (p.humans > 0)
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${hTop.toFixed(1)}" width="${bar.toFixed(1)}" height="${(y(0) - hTop).toFixed(1)}" class="humans"/>`,
      )
    if (p.bots > 0)
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${bTop.toFixed(1)}" width="${bar.toFixed(1)}" height="${(hTop - bTop).toFixed(1)}" class="bots"/>`,
      )
    if (i % every === 0)
      parts.push(
        `<text x="${(x + bar / 2).toFixed(1)}" y="${H - PAD.bottom + 16}" class="tick" text-anchor="middle">${label(p.t, interval)}</text>`,
      )
  })
  // the raw markup above holds numbers and our own labels only; the caption goes through html``
  return html`<figure class="chart">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-caption" preserveAspectRatio="xMidYMid meet">${raw(parts.join(''))}</svg>
<figcaption id="chart-caption">${caption} <span class="legend"><span class="swatch humans"></span>Humans <span class="swatch bots"></span>Bots</span></figcaption>
</figure>`
}
