// Server-side HTML with escaping by default: every interpolated value is escaped unless it is already Html (built by
// `html` itself or marked with `raw` for trusted, constant markup such as our own SVG). Arrays are joined.
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value
  }
}

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

/** Markup we produced ourselves; never pass user input here. */
export const raw = (s: string) => new Html(s)

type Value = Html | string | number | boolean | null | undefined | readonly Value[]

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return ''
  if (v instanceof Html) return v.value
  if (Array.isArray(v)) return v.map(render).join('')
  return escapeHtml(String(v))
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i] as Value) + strings[i + 1]!
  return new Html(out)
}
