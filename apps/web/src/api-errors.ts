import { ApiError } from './api-client.js'

// The API's messages (docs/API_REFERENCE.md) rewritten for a person; anything unknown falls back to its status.
const MESSAGES: Record<string, string> = {
  'Invalid URL': 'That destination is not a valid web address. It must start with http:// or https:// and have a host.',
  'Missing original_url': 'Please enter the destination address.',
  'Invalid short_code': 'That short code cannot be used: use 1 to 10 letters or digits, and not a reserved word such as "app" or "health".',
  'Short code exists': 'That short code is already taken. Choose another one, or leave it empty for a random one.',
  'Invalid title': 'The title is too long (255 characters at most).',
  'Missing update fields': 'Nothing was changed.',
  'Payload too large': 'What you sent is too large.',
  'Too many requests': 'Too many requests in a short time. Wait a moment and try again.',
}

const BY_STATUS: Record<number, string> = {
  0: 'The GhostLink API cannot be reached right now. Try again in a moment.',
  400: 'The request was not accepted. Check the fields and try again.',
  401: 'This API key is not valid (or it was revoked). Sign in again with a valid key.',
  403: 'Your key is not allowed to do this. Operator pages need an admin key.',
  404: 'This link does not exist, or it is not yours.',
  409: 'That conflicts with something that already exists.',
  410: 'This link is no longer available.',
  413: 'What you sent is too large.',
  422: 'Some of the values are not valid.',
  429: 'Too many requests in a short time. Wait a moment and try again.',
  500: 'The API had an internal error. Try again; if it keeps happening, tell the operators.',
  502: 'The GhostLink API is unavailable right now. Try again in a moment.',
  503: 'The GhostLink API is unavailable right now (its database may be down). Try again in a moment.',
  504: 'The GhostLink API took too long to answer. Try again in a moment.',
}

/** A sentence for a person, never a JSON blob. Field-level API messages that are already plain are passed through. */
export function plainError(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something went wrong on our side. Try again in a moment.'
  const known = MESSAGES[err.apiMessage]
  if (known) return known
  if ((err.status === 400 || err.status === 422) && /^(Invalid|Missing) [a-z_ ]+$/i.test(err.apiMessage)) {
    return `${err.apiMessage.replace(/_/g, ' ')}. Check that field and try again.`
  }
  return BY_STATUS[err.status] ?? `The API answered with an error (${err.status}). Try again in a moment.`
}
