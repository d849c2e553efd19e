// `pnpm start`: src/server.ts, run from the bundle of the workspace code (./bundle.mjs), made again first if a
// source file changed since; through tsx, as before, if the bundle cannot be made. `node --conditions=development`
// (the root package.json) for the tsx path and the bundle's third-party imports alike.
import { pathToFileURL } from 'node:url'
import { buildBundle, freshBundle } from './bundle.mjs'

let bundle = freshBundle()
if (!bundle) {
  const started = performance.now()
  try {
    bundle = await buildBundle()
    process.stderr.write(`pnpm start: the source changed since the last start; bundled again in ${Math.round(performance.now() - started)} ms\n`)
  } catch (err) {
    process.stderr.write(`pnpm start: could not bundle (${err instanceof Error ? err.message.split('\n')[0] : err}); running the source through tsx\n`)
  }
}
if (bundle) {
  process.setSourceMapsEnabled(true) // stack traces name the source files, as under tsx
  await import(pathToFileURL(bundle).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/server.ts')
}
