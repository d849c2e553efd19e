// Metric names referenced by a PromQL expression, by a small tokenizer (no PromQL parser exists for Node;
// syntax itself is checked by promtool in the tests).
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'inf',
  'nan',
])

export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
  const names = new Set<string>()
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(?=\s*(\(?))/g)) {
    const [token, paren] = [m[0], m[1]]
    if (paren === '(') continue // a function or aggregation
    if (KEYWORDS.has(token.toLowerCase())) continue
    const before = stripped[(m.index ?? 0) - 1]
    if (before && /[0-9.]/.test(before)) continue // part of a number such as 1e3
    names.add(token)
  }
  return [...names]
}
