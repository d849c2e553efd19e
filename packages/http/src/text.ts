/**
 * Text checks shared by every input schema. A lone UTF-16 surrogate has no UTF-8 form: Postgres text would store it
 * silently as U+FFFD (a different value than was sent) and jsonb refuses it with a 500, so input holding one is refused.
 */
const LONE_SURROGATE = /\p{Cs}/u

export const hasLoneSurrogate = (s: string): boolean => LONE_SURROGATE.test(s)

/**
 * Characters that make a name render differently from what it is: C0/C1 controls, bidi overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C), zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and
 * the soft hyphen (U+00AD). Used for usernames and emails.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this rejects
const DECEPTIVE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u

export const hasDeceptiveChars = (s: string): boolean => DECEPTIVE.test(s) || hasLoneSurrogate(s)

export type JsonCheck = 'ok' | 'too deep' | 'invalid text'

/**
 * Walks a parsed JSON value without recursion: nesting beyond `maxDepth` (Postgres jsonb and JSON.stringify both
 * have limits far below what JSON.parse accepts), a lone surrogate or a NUL (jsonb can't store `\u0000`) in any key
 * or string is refused.
 */
export function checkJson(value: unknown, maxDepth: number): JsonCheck {
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!
    if (typeof v === 'string') {
      if (hasLoneSurrogate(v) || v.includes('\u0000')) return 'invalid text'
      continue
    }
    if (typeof v !== 'object' || v === null) continue
    if (depth >= maxDepth) return 'too deep'
    for (const [k, child] of Object.entries(v)) {
      if (hasLoneSurrogate(k) || k.includes('\u0000')) return 'invalid text'
      stack.push([child, depth + 1])
    }
  }
  return 'ok'
}
