import type { Db } from '@ghostlink/db'
import { BadRequest, type JsonObject } from '@ghostlink/http'
import { parseLinkOptions } from '../schemas/link-options.js'
import { parseCustomCode, parseOriginalUrl, parseTitle } from '../schemas/urls.js'
import type { NewShortUrl } from './create-short-url.js'
import { resolveUserIdOrThrow } from './resolve-user.js'

// docs/CONTRACT.md#c-1-2 step 2: absent, null and "" all mean missing ("   " is an invalid URL instead)
function requireOriginalUrl(body: JsonObject): string {
  const raw = body.original_url
  if (raw === undefined || raw === null || raw === '') throw BadRequest('Missing original_url')
  return parseOriginalUrl(raw)
}

// docs/CONTRACT.md#c-1-2 step 4: the key counts even when null; `short_code` wins over its alias `shortcode`
function customCodeOf(body: JsonObject): string | undefined {
  if ('short_code' in body) return parseCustomCode(body.short_code)
  if ('shortcode' in body) return parseCustomCode(body.shortcode)
  return undefined
}

/** POST /shorten order (docs/CONTRACT.md#c-1-2): original_url → short_code → user_id (optional) → title, then the options. */
export async function parseShortenInput(db: Db, body: JsonObject): Promise<NewShortUrl> {
  const originalUrl = requireOriginalUrl(body)
  const customCode = customCodeOf(body)
  const userId = body.user_id === undefined || body.user_id === null ? null : await resolveUserIdOrThrow(db, body.user_id)
  const title = body.title === undefined ? null : parseTitle(body.title)
  return { originalUrl, customCode, userId, title, options: parseLinkOptions(body) }
}

/** POST /urls order (docs/CONTRACT.md#c-1-3): original_url → user_id (required) → title → short_code, then the options. */
export async function parseCreateUrlInput(db: Db, body: JsonObject): Promise<NewShortUrl> {
  const originalUrl = requireOriginalUrl(body)
  if (body.user_id === undefined || body.user_id === null) throw BadRequest('Missing user_id')
  const userId = await resolveUserIdOrThrow(db, body.user_id)
  const title = body.title === undefined ? null : parseTitle(body.title)
  const customCode = customCodeOf(body)
  return { originalUrl, customCode, userId, title, options: parseLinkOptions(body) }
}
