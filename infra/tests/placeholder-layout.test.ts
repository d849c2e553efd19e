import { existsSync } from 'node:fs'
import { expect, it } from 'vitest'

it('has the infra folders the compose stack mounts', () => {
  for (const dir of ['nginx', 'prometheus', 'alertmanager', 'grafana']) expect(existsSync(new URL(`../${dir}`, import.meta.url))).toBe(true)
})
