import { randomInt } from 'node:crypto'
import { isReservedCode } from './reserved-codes.js'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
export const GENERATED_CODE_LENGTH = 6

/**
 * Six characters drawn uniformly from the 62-letter alphabet with a crypto RNG (docs/CONTRACT.md#c-3,
 * docs/decisions/rewrite-decisions.md#d-2).
 */
export function generateCode(length = GENERATED_CODE_LENGTH, pick: (n: number) => number = randomInt): string {
  for (;;) {
    let code = ''
    for (let i = 0; i < length; i++) code += ALPHABET[pick(ALPHABET.length)]
    // `health` and `events` are six letters long: never hand out a reserved word; and never only digits, which
    // GET /urls/<code> would read as a link id (about 1 code in 57 000)
    if (!isReservedCode(code) && !ALL_DIGITS.test(code)) return code
  }
}

const ALL_DIGITS = /^\d+$/
