import { describe, expect, it } from 'vitest'
import { parseNginxMap, renderNginxMap } from '../src/render-nginx-map.js'

describe('renderNginxMap', () => {
  it('renders exact-match entries for every redirect alias, sorted and deduplicated', () => {
    const text = renderNginxMap(['zz9', 'abc_1', 'zz9'])
    expect(text.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      '/abc_1 1;',
      '/r/abc_1 1;',
      '/urls/abc_1 1;',
      '/zz9 1;',
      '/r/zz9 1;',
      '/urls/zz9 1;',
      '',
    ])
  })

  it('leaves /urls/<digits> alone: that path is the URL-by-id route', () => {
    expect(renderNginxMap(['123'])).not.toContain('/urls/123')
    expect(renderNginxMap(['123'])).toContain('/r/123 1;')
  })

  it('skips codes that could break the config', () => {
    const text = renderNginxMap(['ok', 'bad code;', '{x}', ''])
    expect([...parseNginxMap(text)]).toEqual(['ok'])
  })

  it('renders an empty list as comments only', () => {
    expect(
      renderNginxMap([])
        .split('\n')
        .every((l) => l === '' || l.startsWith('#')),
    ).toBe(true)
  })

  it('parses both its own output and the original regex form', () => {
    expect([...parseNginxMap(renderNginxMap(['a', 'b-2']))].sort()).toEqual(['a', 'b-2'])
    expect([...parseNginxMap('# header\n~^/demo-threat$ 1;\n~^/chaos-demo$ 1;\n')]).toEqual(['demo-threat', 'chaos-demo'])
  })
})
