import { describe, expect, it } from 'vitest'
import { generateCode } from '../../src/urls/generate-code.js'

/** A pick that returns the given alphabet indexes in turn (a..z 0–25, A..Z 26–51, 0..9 52–61). */
const scripted = (indexes: number[]) => {
  let i = 0
  return () => indexes[i++ % indexes.length]!
}

describe('generateCode', () => {
  it('draws six characters of the 62-letter alphabet', () => {
    for (let i = 0; i < 200; i++) expect(generateCode()).toMatch(/^[A-Za-z0-9]{6}$/)
  })

  it('draws again rather than hand out a code of digits only (GET /urls/<code> would read it as an id)', () => {
    // first draw "123456", then "b23456"
    const pick = scripted([53, 54, 55, 56, 57, 58, 1, 54, 55, 56, 57, 58])
    expect(generateCode(6, pick)).toBe('b23456')
  })

  it('draws again rather than hand out a reserved word', () => {
    // "health", then "HEALTH" (reserved in any case), then "healty"
    const h = [7, 4, 0, 11, 19, 7]
    const H = h.map((i) => i + 26)
    expect(generateCode(6, scripted([...h, ...H, 7, 4, 0, 11, 19, 24]))).toBe('healty')
  })
})
