/** A contract error: rendered as `{ error, code }` (or `{ error }` alone where the contract has no code). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly withCode = true,
    /** response headers that belong to the error, e.g. `WWW-Authenticate` on a 401 */
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export const BadRequest = (message: string) => new HttpError(400, message)
/** RFC 6750: a missing, malformed, unknown or revoked API key (docs/SECURITY.md). */
export const Unauthorized = () => new HttpError(401, 'Unauthorized', true, { 'WWW-Authenticate': 'Bearer' })
export const Forbidden = () => new HttpError(403, 'Forbidden')
export const NotFound = (message = 'Not found') => new HttpError(404, message)
export const Conflict = (message: string) => new HttpError(409, message)
export const Unprocessable = (message: string) => new HttpError(422, message)
/** The answer of the redirect paths for a quarantined code (docs/CONTRACT.md#c-1-9 step 1), also rendered by Nginx's map. */
export const Quarantined = () => new HttpError(410, 'This short code has been quarantined due to suspicious activity')
export const TooManyRequests = () => new HttpError(429, 'Too many requests')
export const ServiceUnavailable = () => new HttpError(503, 'Service unavailable')

export const MissingRequestBody = () => BadRequest('Missing request body')
