import { makeInitdbTemplate } from '../initdb-template.js'

// Run by the root postinstall (scripts/postinstall.mjs): the initdb'd data directory new embedded databases copy.
const { dir, made, ms } = await makeInitdbTemplate()
console.log(made ? `embedded Postgres: initdb template made in ${Math.round(ms)} ms (${dir})` : `embedded Postgres: initdb template present (${dir})`)
