import type { z } from 'zod'
import { QR_DEFAULT_SIZE, QR_MAX_SIZE, QR_MIN_SIZE } from '../schemas/qr.js'
import { CANARIES } from '@ghostlink/db'
import { DASHBOARD_OPERATIONS } from './dashboard-operations.js'
import * as S from './schemas.js'

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
/** `object`: any query (style form, exploded): the redirects take whatever the visitor sends */
type QueryParam = { name: string; type: 'integer' | 'string' | 'boolean' | 'object'; description: string; enum?: string[] }
type Success = { status: number; description: string; schema?: z.ZodType; contentType?: string; headers?: Record<string, string> }

/** One documented operation. Errors are listed as [status, message] in the order the route checks them. */
export type Operation = {
  method: Method
  /** OpenAPI form: `{id}` for a path parameter */
  path: string
  tag: string
  summary: string
  description?: string
  query?: QueryParam[]
  body?: z.ZodType
  /** POST /users/bulk also takes multipart/form-data */
  multipart?: boolean
  success: Success[]
  errors: Array<[number, string]>
  /** an error answer whose body is not the Error object (GET /health's 503 is the health report) */
  errorBodies?: Record<number, z.ZodType>
  /** the redirect tier's routes, reached through the front door */
  redirectTier?: true
  /** answers without the database (no 503) */
  noDb?: true
}

const missingBody: [number, string] = [400, 'Missing request body']
const notFound: [number, string] = [404, 'Not found']
const page = (perPage: number): QueryParam[] => [
  { name: 'page', type: 'integer', description: 'Page, from 1 (invalid or ≤ 0 means the default).' },
  { name: 'per_page', type: 'integer', description: `Rows per page (default ${perPage}, at most 1000).` },
]
const optionErrors: Array<[number, string]> = [
  [400, 'Invalid redirect_type'],
  [400, 'Invalid forward_query'],
  [400, 'Invalid expires_at'],
  [400, 'Invalid max_clicks'],
]
const urlOk = (status: number, description: string): Success => ({ status, description, schema: S.UrlObject })
const quarantined: [number, string] = [410, 'This short code has been quarantined due to suspicious activity']

/** Every route the API and the redirect tier serve (docs/API_REFERENCE.md), in the order of that reference. */
export const OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/health',
    tag: 'health',
    summary: 'Database and Redis status, release metadata and feature flags',
    success: [{ status: 200, description: 'Database reachable', schema: S.Health }],
    errors: [[503, 'Degraded: the same keys with status "degraded" and db "error"']],
    errorBodies: { 503: S.Health },
  },
  {
    method: 'get',
    path: '/ready',
    tag: 'health',
    summary: 'Readiness: 200 when the database answers',
    success: [{ status: 200, description: '`{"ready":true}`', schema: S.Ready }],
    errors: [[503, '`{"ready":false}`']],
    errorBodies: { 503: S.Ready },
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'health',
    summary: 'Prometheus metrics (not routed by the front door)',
    success: [{ status: 200, description: 'Prometheus text exposition', contentType: 'text/plain' }],
    errors: [],
  },
  ...CANARIES.map(
    (canary): Operation => ({
      method: 'get',
      path: `/${canary}`,
      tag: 'health',
      summary: `Static canary ${canary}`,
      success: [{ status: 200, description: `\`{"canary":"${canary}","status":"ok"}\`` }],
      errors: [],
      noDb: true,
    }),
  ),
  {
    method: 'post',
    path: '/shorten',
    tag: 'urls',
    summary: 'Create a short URL (compact answer)',
    body: S.ShortenBody,
    success: [{ status: 201, description: '`{"id","short_code"}`' }],
    errors: [
      missingBody,
      [400, 'Missing original_url'],
      [422, 'Invalid URL'],
      [422, 'Invalid short_code'],
      [400, 'Invalid user_id'],
      [404, 'User not found'],
      [400, 'Invalid title'],
      ...optionErrors,
      [409, 'Short code exists'],
      [500, 'Failed to generate short code'],
    ],
  },
  {
    method: 'get',
    path: '/urls',
    tag: 'urls',
    summary: 'List URLs, ordered by id',
    query: [
      { name: 'user_id', type: 'integer', description: 'Owner (a non-integer is ignored).' },
      { name: 'is_active', type: 'string', description: '1|true|yes or 0|false|no (anything else is ignored).' },
      { name: 'state', type: 'string', enum: ['expired', 'exhausted'], description: 'expires_at passed, or max_clicks reached.' },
      ...page(100),
    ],
    success: [{ status: 200, description: 'Bare array of URL objects', schema: S.UrlObject.array() }],
    errors: [],
  },
  {
    method: 'post',
    path: '/urls',
    tag: 'urls',
    summary: 'Create a short URL with a required owner',
    body: S.CreateUrlBody,
    success: [urlOk(201, 'The URL object')],
    errors: [
      missingBody,
      [400, 'Missing original_url'],
      [422, 'Invalid URL'],
      [400, 'Missing user_id'],
      [400, 'Invalid user_id'],
      [404, 'User not found'],
      [400, 'Invalid title'],
      [422, 'Invalid short_code'],
      ...optionErrors,
      [409, 'Short code exists'],
      [500, 'Failed to generate short code'],
    ],
  },
  {
    method: 'get',
    path: '/urls/{id}',
    tag: 'urls',
    summary: 'A URL by id; a non-numeric segment is a short code and redirects (secondary alias)',
    description:
      'All digits: the URL object, active or not. Otherwise the alias: quarantine checked, the link options applied ' +
      '(redirect_type, forward_query; expired or out of clicks is a 404), a `redirect` event written.',
    success: [
      urlOk(200, 'The URL object (numeric id)'),
      { status: 302, description: 'Alias redirect (or the link\'s redirect_type: 301, 307, 308)', headers: { Location: 'The destination' } },
    ],
    errors: [notFound, quarantined],
  },
  ...(['put', 'patch'] as const).map(
    (method): Operation => ({
      method,
      path: '/urls/{id}',
      tag: 'urls',
      summary: 'Partial update (PUT and PATCH alike); null clears an option',
      body: S.UpdateUrlBody,
      success: [{ status: 200, description: 'The URL object plus `"message":"updated"`', schema: S.UrlObject }],
      errors: [
        missingBody,
        [400, 'Invalid request body'],
        [400, 'Missing update fields'],
        notFound,
        [400, 'Invalid user_id'],
        [404, 'User not found'],
        [403, 'Forbidden'],
        [422, 'Invalid URL'],
        [400, 'Invalid title'],
        [400, 'Invalid is_active'],
        ...optionErrors,
        [405, 'Method not allowed'],
      ],
    }),
  ),
  {
    method: 'delete',
    path: '/urls/{id}',
    tag: 'urls',
    summary: 'Deactivate (soft delete); optional body `{"user_id"}` asserts the owner',
    success: [{ status: 200, description: '`{"message":"deleted"}`' }],
    errors: [notFound, missingBody, [400, 'Invalid user_id'], [404, 'User not found'], [403, 'Forbidden'], [405, 'Method not allowed']],
  },
  {
    method: 'get',
    path: '/urls/{id}/risk',
    tag: 'urls',
    summary: 'Risk score of a URL',
    success: [{ status: 200, description: 'The score', schema: S.Risk }],
    errors: [notFound],
  },
  {
    method: 'get',
    path: '/urls/{id}/qr',
    tag: 'urls',
    summary: 'QR code of the public short URL',
    description: 'Encodes `PUBLIC_BASE_URL/<short_code>`. Same access rule as GET /urls/{id}.',
    query: [
      { name: 'format', type: 'string', enum: ['svg', 'png'], description: 'svg (default) or png.' },
      { name: 'size', type: 'integer', description: `Pixels, ${QR_MIN_SIZE} to ${QR_MAX_SIZE} (default ${QR_DEFAULT_SIZE}).` },
    ],
    success: [
      { status: 200, description: 'SVG (default) or PNG', contentType: 'image/svg+xml' },
      { status: 200, description: 'PNG', contentType: 'image/png' },
    ],
    errors: [notFound, [400, 'Invalid format'], [400, 'Invalid size']],
  },
  {
    method: 'get',
    path: '/quarantine',
    tag: 'quarantine',
    summary: 'Quarantined codes',
    success: [{ status: 200, description: 'Bare array', schema: S.QuarantineEntry.array() }],
    errors: [],
  },
  {
    method: 'post',
    path: '/quarantine/{code}',
    tag: 'quarantine',
    summary: 'Quarantine a code (201 new, 200 already quarantined)',
    body: S.QuarantineBody,
    success: [
      { status: 201, description: 'Quarantined', schema: S.QuarantineEntry },
      { status: 200, description: 'Already quarantined', schema: S.QuarantineEntry },
    ],
    errors: [[422, 'Invalid short_code'], missingBody, [400, 'Invalid request body']],
  },
  {
    method: 'delete',
    path: '/quarantine/{code}',
    tag: 'quarantine',
    summary: 'Lift a quarantine',
    success: [{ status: 200, description: 'Lifted', schema: S.Unquarantined }],
    errors: [[422, 'Invalid short_code'], missingBody, [400, 'Invalid request body'], notFound],
  },
  {
    method: 'get',
    path: '/users',
    tag: 'users',
    summary: 'List users, ordered by id',
    query: page(50),
    success: [{ status: 200, description: 'Bare array', schema: S.UserObject.array() }],
    errors: [],
  },
  {
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: 'Create a user',
    body: S.CreateUserBody,
    success: [{ status: 201, description: 'The user', schema: S.UserObject }],
    errors: [
      missingBody,
      [400, 'Missing username or email'],
      [422, 'Invalid email'],
      [400, 'Invalid username'],
      [400, 'Invalid created_at'],
      [409, 'User already exists'],
    ],
  },
  {
    method: 'get',
    path: '/urls/{id}/stats',
    tag: 'stats',
    summary: "A link's click statistics (owner or admin key)",
    query: [
      { name: 'from', type: 'string', description: 'Start, ISO 8601 (default: 30 days before `to`).' },
      { name: 'to', type: 'string', description: 'End, ISO 8601 (default: now).' },
      { name: 'interval', type: 'string', description: 'Series bucket.', enum: ['hour', 'day'] },
    ],
    success: [{ status: 200, description: 'The statistics', schema: S.Stats }],
    errors: [[400, 'Invalid from'], [401, 'Unauthorized'], notFound],
  },
  {
    method: 'get',
    path: '/stats',
    tag: 'stats',
    summary: 'Click statistics over every link, plus the top 10 links (admin key)',
    query: [
      { name: 'from', type: 'string', description: 'Start, ISO 8601 (default: 30 days before `to`).' },
      { name: 'to', type: 'string', description: 'End, ISO 8601 (default: now).' },
      { name: 'interval', type: 'string', description: 'Series bucket.', enum: ['hour', 'day'] },
    ],
    success: [{ status: 200, description: 'The statistics', schema: S.Stats }],
    errors: [[400, 'Invalid from'], [401, 'Unauthorized'], [403, 'Forbidden']],
  },
  {
    method: 'get',
    path: '/users/me/stats',
    tag: 'stats',
    summary: "Click statistics over the caller's links, plus their top 10 (token mode)",
    query: [
      { name: 'from', type: 'string', description: 'Start, ISO 8601 (default: 30 days before `to`).' },
      { name: 'to', type: 'string', description: 'End, ISO 8601 (default: now).' },
      { name: 'interval', type: 'string', description: 'Series bucket.', enum: ['hour', 'day'] },
    ],
    success: [{ status: 200, description: 'The statistics', schema: S.Stats }],
    errors: [[400, 'Invalid from'], [401, 'Unauthorized']],
  },
  {
    method: 'get',
    path: '/users/{id}/stats',
    tag: 'stats',
    summary: "Click statistics over one user's links, plus their top 10 (admin key)",
    query: [
      { name: 'from', type: 'string', description: 'Start, ISO 8601 (default: 30 days before `to`).' },
      { name: 'to', type: 'string', description: 'End, ISO 8601 (default: now).' },
      { name: 'interval', type: 'string', description: 'Series bucket.', enum: ['hour', 'day'] },
    ],
    success: [{ status: 200, description: 'The statistics', schema: S.Stats }],
    errors: [[400, 'Invalid from'], [401, 'Unauthorized'], [403, 'Forbidden'], notFound],
  },
  {
    method: 'get',
    path: '/users/me',
    tag: 'keys',
    summary: "The caller's user (token mode)",
    success: [{ status: 200, description: 'The user', schema: S.UserObject }],
    errors: [[401, 'Unauthorized']],
  },
  {
    method: 'post',
    path: '/users/{id}/keys',
    tag: 'keys',
    summary: 'A new API key for a user (admin key; token mode)',
    body: S.NewKeyBody,
    success: [{ status: 201, description: 'The key, with its secret shown once', schema: S.NewKey }],
    errors: [[401, 'Unauthorized'], [403, 'Forbidden'], notFound, [400, 'Invalid request body']],
  },
  {
    method: 'post',
    path: '/keys',
    tag: 'keys',
    summary: "A new API key for the caller's own user (token mode)",
    body: S.NewKeyBody,
    success: [{ status: 201, description: 'The key, with its secret shown once', schema: S.NewKey }],
    errors: [[401, 'Unauthorized'], [400, 'Invalid request body'], [403, 'Forbidden']],
  },
  {
    method: 'get',
    path: '/keys',
    tag: 'keys',
    summary: "The caller's keys (an admin key: every key), never a secret (token mode)",
    success: [{ status: 200, description: 'A JSON array of keys', schema: S.KeyObject.array() }],
    errors: [[401, 'Unauthorized']],
  },
  {
    method: 'delete',
    path: '/keys/{id}',
    tag: 'keys',
    summary: 'Revoke a key: own keys, or any for an admin key (token mode)',
    success: [{ status: 200, description: '`{"message":"revoked","id":3}`' }],
    errors: [[401, 'Unauthorized'], notFound],
  },
  {
    method: 'get',
    path: '/users/{id}',
    tag: 'users',
    summary: 'A user',
    success: [{ status: 200, description: 'The user', schema: S.UserObject }],
    errors: [notFound],
  },
  ...(['put', 'patch'] as const).map(
    (method): Operation => ({
      method,
      path: '/users/{id}',
      tag: 'users',
      summary: 'Update a user (PUT and PATCH alike)',
      body: S.UpdateUserBody,
      success: [{ status: 200, description: 'The user', schema: S.UserObject }],
      errors: [missingBody, notFound, [400, 'Invalid username'], [400, 'Invalid email'], [422, 'Invalid email'], [409, 'User already exists']],
    }),
  ),
  {
    method: 'delete',
    path: '/users/{id}',
    tag: 'users',
    summary: 'Delete a user (their links stay, unowned)',
    success: [{ status: 200, description: '`{"message":"deleted","id":5}`' }],
    errors: [notFound],
  },
  {
    method: 'post',
    path: '/users/bulk',
    tag: 'users',
    summary: 'Import users from a CSV (multipart upload or a file in DATA_DIR)',
    query: [{ name: 'row_count', type: 'integer', description: 'Rows read at most.' }],
    body: S.BulkUsersJsonBody,
    multipart: true,
    success: [
      { status: 201, description: 'At least one row read', schema: S.BulkUsersResult },
      { status: 200, description: 'No row read', schema: S.BulkUsersResult },
    ],
    errors: [
      missingBody,
      [400, 'Invalid file'],
      [404, 'File not found'],
      [400, 'Missing file'],
      [400, 'Invalid CSV'],
      [413, 'Payload too large'],
    ],
  },
  {
    method: 'get',
    path: '/events',
    tag: 'events',
    summary: 'List events, ordered by id',
    query: [
      { name: 'url_id', type: 'integer', description: 'URL (a non-integer is ignored).' },
      { name: 'user_id', type: 'integer', description: 'User (a non-integer is ignored).' },
      { name: 'event_type', type: 'string', description: 'Exact event type.' },
      ...page(100),
    ],
    success: [{ status: 200, description: 'Bare array', schema: S.EventObject.array() }],
    errors: [],
  },
  {
    method: 'post',
    path: '/events',
    tag: 'events',
    summary: 'Record an event',
    body: S.CreateEventBody,
    success: [{ status: 201, description: 'The event', schema: S.EventObject }],
    errors: [
      missingBody,
      [400, 'Missing url_id'],
      [400, 'Invalid url_id'],
      [404, 'invalid url_id (no `code` key)'],
      [400, 'Missing event_type'],
      [400, 'Invalid event_type'],
      [400, 'Invalid user_id'],
      [404, 'invalid user_id (no `code` key)'],
      [403, 'Forbidden'],
      [400, 'details must be an object (no `code` key)'],
      [400, 'Invalid details'],
      [400, 'Invalid referrer'],
    ],
  },
  ...DASHBOARD_OPERATIONS,
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'meta',
    summary: 'This document',
    success: [{ status: 200, description: 'OpenAPI 3.1', contentType: 'application/json' }],
    errors: [],
    noDb: true,
  },
  {
    method: 'get',
    path: '/docs',
    tag: 'meta',
    summary: 'Interactive reference (served locally)',
    success: [{ status: 200, description: 'HTML page', contentType: 'text/html' }],
    errors: [],
    noDb: true,
  },
  ...['/{code}', '/r/{code}'].map(
    (path): Operation => ({
      method: 'get',
      path,
      tag: 'redirects',
      summary: 'Redirect to the destination (the redirect tier, through the front door)',
      description:
        'Quarantine first, then unknown, inactive, expired (`Link expired`) and out of clicks (`Click limit reached`). ' +
        'The status is the link\'s redirect_type (302 by default); with forward_query the visitor\'s query is merged.',
      success: [{ status: 302, description: 'Redirect (301, 307 or 308 with redirect_type)', headers: { Location: 'The destination' } }],
      query: [{ name: 'visitor_query', type: 'object', description: 'Any query; forwarded to the destination when the link has forward_query.' }],
      errors: [quarantined, notFound, [410, 'Link inactive'], [410, 'Link expired'], [410, 'Click limit reached']],
      redirectTier: true,
    }),
  ),
]
