import type { FastifyServerOptions } from 'fastify'

// anything shaped like a generated key, wherever it appears in a logged URL (a key sent in a query string is refused,
// but the request line is still logged)
const KEY_IN_TEXT = /gl_[A-Za-z0-9_-]{4,}/g

/**
 * The API's pino options: API keys never reach a log line (docs/SECURITY.md#key-handling). The Authorization header
 * is redacted wherever a request's headers are logged, and key-shaped text is masked in logged URLs.
 */
export const loggerOptions = (level: string): NonNullable<Exclude<FastifyServerOptions['logger'], boolean>> => ({
  level,
  redact: {
    paths: ['req.headers.authorization', 'headers.authorization', 'request.headers.authorization', 'authorization', 'key', '*.key'],
    censor: '[redacted]',
  },
  serializers: {
    req: (req: { method: string; url: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }) => ({
      method: req.method,
      url: req.url.replace(KEY_IN_TEXT, 'gl_[redacted]'),
      host: req.hostname,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    }),
  },
})
