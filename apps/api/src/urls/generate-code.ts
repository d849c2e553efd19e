import { randomInt } from 'node:crypto'
import { isReservedCode } from './reserved-codes.js'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
export const GENERATED_CODE_LENGTH = 6

/**
 * Six characters drawn uniformly from the 62-letter alphabet with a crypto RNG (docs/CONTRACT.md#c-3,
 * docs/decisions/rewrite-decisions.md#d-2).
 */
export function generateCode(length = GENERATED_CODE_LENGTH): string {
  for (;;) {
    let code = ''
    for (let i = 0; i < length; i++) code += ALPHABET[randomInt(ALPHABET.length)]
    // `health` and `events` are six letters long: never hand out a reserved word
    if (!isReservedCode(code)) return code
  }
}
