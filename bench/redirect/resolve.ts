import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

// bench/ is not a workspace package: resolve dependencies as apps/redirect sees them (with --conditions=development
// the @ghostlink packages resolve to their TypeScript source, which tsx loads)
const fromRedirect = createRequire(new URL('../../apps/redirect/package.json', import.meta.url))

export const importFromRedirect = async <T>(specifier: string): Promise<T> =>
  (await import(pathToFileURL(fromRedirect.resolve(specifier)).href)) as T
