import { z } from 'zod'
import { ExpiresAt, ForwardQuery, MaxClicks, RedirectType } from '../schemas/link-options.js'
import { CustomCode, IsActive, OriginalUrl, Title, UserIdInput } from '../schemas/urls.js'

/**
 * The shapes the OpenAPI document describes (issue 14). Request fields reuse the zod schemas the routes parse with
 * (apps/api/src/schemas), read as their input side; response objects are written here once, next to the functions
 * that build them (urls/url-object.ts, users/user-object.ts, events/event-object.ts).
 */
export const ErrorBody = z
  .object({ error: z.string(), code: z.number().int() })
  .meta({ id: 'Error', description: 'Every error answer: the message and the HTTP status.' })

export const ErrorWithoutCode = z
  .object({ error: z.string() })
  .meta({ id: 'ErrorWithoutCode', description: 'The three POST /events errors the contract answers without `code`, and the edge quarantine body.' })

const linkOptions = {
  redirect_type: RedirectType.meta({ description: 'Status of the redirect: 301, 302 (default), 307 or 308.' }),
  forward_query: ForwardQuery.meta({ description: "Merge the visitor's query into the destination (visitor wins on a clash)." }),
  expires_at: ExpiresAt.meta({ description: 'ISO 8601 with Z or an offset; from then on the link answers 410 `Link expired`.' }),
  max_clicks: MaxClicks.meta({ description: 'Redirects served at most; the one beyond answers 410 `Click limit reached`.' }),
}

export const UrlObject = z
  .object({
    id: z.number().int(),
    short_code: z.string(),
    original_url: z.string(),
    title: z.string().nullable(),
    is_active: z.boolean(),
    user_id: z.number().int().nullable(),
    redirect_type: z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)]).optional(),
    forward_query: z.boolean().optional(),
    expires_at: z.iso.datetime().optional(),
    max_clicks: z.number().int().optional(),
  })
  .meta({ id: 'Url', description: 'A short URL. The option keys appear only when set.' })

export const ShortenBody = z
  .object({
    original_url: OriginalUrl,
    short_code: CustomCode.optional(),
    shortcode: CustomCode.optional().meta({ description: 'Alias of short_code (short_code wins).' }),
    user_id: UserIdInput.nullable().optional(),
    title: Title.optional(),
    ...mapOptional(linkOptions),
  })
  .meta({ id: 'ShortenRequest' })

export const CreateUrlBody = z
  .object({
    original_url: OriginalUrl,
    user_id: UserIdInput,
    title: Title.optional(),
    short_code: CustomCode.optional(),
    shortcode: CustomCode.optional(),
    ...mapOptional(linkOptions),
  })
  .meta({ id: 'CreateUrlRequest' })

export const UpdateUrlBody = z
  .strictObject({
    original_url: OriginalUrl.optional(),
    title: Title.optional(),
    is_active: IsActive.optional(),
    user_id: UserIdInput.optional().meta({ description: 'Asserted owner: must match the link owner (403 otherwise).' }),
    ...mapOptional(linkOptions),
  })
  .meta({ id: 'UpdateUrlRequest' })

export const UserObject = z
  .object({ id: z.number().int(), username: z.string(), email: z.string(), created_at: z.iso.datetime() })
  .meta({ id: 'User' })

export const KeyObject = z
  .object({
    id: z.number().int(),
    prefix: z.string().describe('`gl_` and the first 8 characters: identifies the key, never authenticates'),
    scope: z.enum(['user', 'admin']),
    user_id: z.number().int(),
    name: z.string().nullable(),
    created_at: z.iso.datetime(),
    revoked_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiKey' })
export const NewKey = z
  .object({
    id: z.number().int(),
    key: z.string().describe('The secret, shown in this answer only'),
    prefix: z.string(),
    scope: z.enum(['user', 'admin']),
    user_id: z.number().int(),
    name: z.string().nullable(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'NewApiKey' })
export const NewKeyBody = z
  .object({ name: z.string().max(100).optional(), scope: z.enum(['user', 'admin']).optional() })
  .meta({ id: 'NewApiKeyRequest' })

const counted = (key: string) => z.array(z.object({ [key]: z.string(), clicks: z.number().int() }))
export const Stats = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    interval: z.enum(['hour', 'day']),
    total: z.number().int(),
    humans: z.number().int(),
    bots: z.number().int(),
    unique_visitors: z.number().int(),
    series: z.array(z.object({ t: z.iso.datetime(), clicks: z.number().int(), humans: z.number().int(), bots: z.number().int() })),
    referrers: counted('host'),
    browsers: counted('name'),
    os: counted('name'),
    devices: counted('type'),
  })
  .describe('Click statistics from the rollups; lists are the top 10 plus "other". /stats and user stats add `links`, the top 10 links.')
  .meta({ id: 'Stats' })

export const CreateUserBody = z
  .object({ username: z.string(), email: z.string(), created_at: z.string().optional() })
  .meta({ id: 'CreateUserRequest' })
export const UpdateUserBody = z.object({ username: z.string().optional(), email: z.string().optional() }).meta({ id: 'UpdateUserRequest' })
export const BulkUsersJsonBody = z
  .object({ file: z.string().optional(), row_count: z.number().int().positive().optional() })
  .meta({ id: 'BulkUsersRequest' })
export const BulkUsersResult = z
  .object({ file: z.string(), imported: z.number().int(), loaded: z.number().int(), processed: z.number().int(), skipped: z.number().int(), row_count: z.number().int() })
  .meta({ id: 'BulkUsersResult' })

export const EventObject = z
  .object({
    id: z.number().int(),
    event_type: z.string(),
    url_id: z.number().int(),
    user_id: z.number().int().nullable(),
    referrer: z.string().nullable(),
    timestamp: z.iso.datetime(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'Event' })
export const CreateEventBody = z
  .object({
    url_id: z.number().int().positive(),
    event_type: z.string().min(1).max(50),
    user_id: z.number().int().positive().nullable().optional(),
    details: z.record(z.string(), z.unknown()).nullable().optional(),
    referrer: z.string().max(2048).nullable().optional(),
  })
  .meta({ id: 'CreateEventRequest' })

export const QuarantineEntry = z
  .object({
    short_code: z.string(),
    quarantined: z.literal(true),
    source: z.string(),
    reason: z.string().nullable(),
    actor: z.string(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'QuarantineEntry' })
export const QuarantineBody = z
  .object({ reason: z.string().max(255).nullable().optional(), actor: z.string().min(1).max(100).optional() })
  .meta({ id: 'QuarantineRequest' })
export const Unquarantined = z.object({ short_code: z.string(), quarantined: z.literal(false), actor: z.string() })

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    db: z.enum(['ok', 'error']),
    redis: z.enum(['ok', 'unavailable', 'error', 'disabled']).optional(),
    version: z.string(),
    git_sha: z.string(),
    deployed_at: z.string(),
    release_owner: z.string(),
    release_notes_url: z.string(),
    feature_flags: z.record(z.string(), z.boolean()),
  })
  .meta({ id: 'Health' })

export const Ready = z.object({ ready: z.boolean() })

export const Risk = z
  .object({ url_id: z.number().int(), score: z.number(), tier: z.string(), signals: z.record(z.string(), z.unknown()), computed_at: z.string().nullable() })
  .meta({ id: 'Risk' })

function mapOptional<T extends Record<string, z.ZodType>>(shape: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()])) as { [K in keyof T]: z.ZodOptional<T[K]> }
}
