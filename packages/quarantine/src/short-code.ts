/** Codes the quarantine tooling accepts (`[A-Za-z0-9_-]` as in docs/CONTRACT.md#c-4-3, bounded by the 64-char column). */
export const QUARANTINE_CODE_RE = /^[A-Za-z0-9_-]{1,64}$/

export const isQuarantinableCode = (code: unknown): code is string => typeof code === 'string' && QUARANTINE_CODE_RE.test(code)
