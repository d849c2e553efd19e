import { fileURLToPath } from 'node:url'
import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared.js'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// The API's contract suite runs here a second time, against the one-process mode (issue 11): the same files,
// parameterised by target (tests/contract/target.ts registers it), never copied. Files that test one tier's
// internals stay with the API alone: its Redis keys (urls.test.ts reads the link cache's; this mode has no Redis), a
// second replica, its /metrics (the edge refuses it, and openapi.test.ts lists it among the API's routes), inline
// scoring with no worker tier (shorten.test.ts).
const CONTRACT_FILES = ['users', 'events', 'users-bulk', 'url-qr', 'long-paths', 'dashboard']

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      projects: [
        { extends: true, test: { name: 'standalone', include: ['tests/**/*.test.ts'] } },
        {
          extends: true,
          test: {
            name: 'api-contract-one-process',
            root: here('../api'),
            include: [`tests/routes/{${CONTRACT_FILES.join(',')}}.test.ts`, 'tests/fuzz-*.test.ts'],
            globalSetup: [here('tests/contract/template.ts')],
            setupFiles: [here('tests/contract/target.ts')],
          },
        },
      ],
    },
  }),
)
