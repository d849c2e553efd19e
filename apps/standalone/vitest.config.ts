import { fileURLToPath } from 'node:url'
import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared.js'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// The API's contract suite runs here a second time, against the one-process mode (issue 11): the same files,
// parameterised by target (tests/contract/target.ts registers it), never copied: the routes' contract, who may call
// each route (the access matrix, in token mode), keys, hostile input and the fuzzers. Files that test one tier's
// internals stay with the API alone: what it leaves in Redis (redirect-tier-cache, url-risk, url-alias and
// link-options read or plant the redirect tier's cached answers; this mode has no Redis, and
// tests/link-options.test.ts sees the same changes through its redirects), the quarantine map file it renders for
// nginx (quarantine), Redis's own health (health), its /metrics (metrics, no-secret-leak: the edge refuses it),
// second replicas (limits, revocation-replicas) and the keys CLI on a second connection (keys-cli: the embedded
// database serves one).
const CONTRACT_FILES = ['urls', 'shorten', 'openapi', 'users', 'events', 'users-bulk', 'url-qr', 'long-paths', 'dashboard', 'stats']
const OTHER_FILES = ['auth/access-matrix', 'auth/keys', 'faults/*', 'fuzz-*']

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
            include: [`tests/routes/{${CONTRACT_FILES.join(',')}}.test.ts`, ...OTHER_FILES.map((f) => `tests/${f}.test.ts`)],
            globalSetup: [here('tests/contract/template.ts')],
            setupFiles: [here('tests/contract/target.ts')],
          },
        },
      ],
    },
  }),
)
