import { parseArgs } from 'node:util'
import { loadConfig } from '@ghostlink/config'
import { closeDb, createDb } from '@ghostlink/db'
import { DataDirInUseError, openConfiguredDatabase } from '@ghostlink/embedded-postgres'
import { createKey, ensureAdminUser, findKey, listKeys, revokeKey, toKeyObject } from '../auth/key-store.js'

const USAGE = `usage:
  pnpm keys create --admin [--name N]       a new admin key of the built-in admin user
  pnpm keys create --user <id> [--name N]   a new user key of user <id>
  pnpm keys list                            every key, without secrets
  pnpm keys revoke <key id>                 revoke a key (every API replica refuses it within 1 s)
The secret of a new key is printed once, alone on stdout; only its SHA-256 hash is stored.`

const fail = (message: string): never => {
  console.error(`${message}\n${USAGE}`)
  process.exit(2)
}

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { admin: { type: 'boolean' }, user: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (err) {
    return fail((err as Error).message)
  }
})()
const [command, arg] = positionals
if (values.help || !command) fail('')

const config = loadConfig()
// the configured server, or with nothing configured the embedded database `pnpm start` created (one process at a time)
const database = await openConfiguredDatabase(config, { existingOnly: true }).catch((err) => {
  if (!(err instanceof DataDirInUseError)) throw err
  return fail(`${err.message} (\`pnpm start\` holds it: stop it first)`)
})
const db = createDb(database.url, 1)
try {
  if (command === 'create') {
    if (values.admin === (values.user !== undefined)) fail('create needs exactly one of --admin or --user <id>')
    const name = values.name?.trim().slice(0, 100) || null
    const userId = values.admin ? await ensureAdminUser(db) : Number(values.user)
    if (!Number.isSafeInteger(userId) || userId < 1) fail(`not a user id: ${values.user}`)
    const key = await createKey(db, { userId, scope: values.admin ? 'admin' : 'user', name })
    console.error(`created ${key.scope} key id=${key.id} prefix=${key.prefix} for user ${key.user_id}; the secret is shown only now:`)
    console.log(key.key)
  } else if (command === 'list') {
    for (const k of await listKeys(db)) console.log(JSON.stringify(toKeyObject(k)))
  } else if (command === 'revoke') {
    const id = Number(arg)
    if (!Number.isSafeInteger(id) || id < 1 || !(await findKey(db, id))) fail(`no key with id ${arg}`)
    await revokeKey(db, id)
    console.error(`revoked key ${id}`)
  } else {
    fail(`unknown command: ${command}`)
  }
} catch (err) {
  // a foreign-key violation (drizzle wraps the Postgres error): the user does not exist
  const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code
  if (code === '23503') fail(`no user with id ${values.user}`)
  throw err
} finally {
  await closeDb(db)
  await database.close()
}
