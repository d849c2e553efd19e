import { Pool } from 'undici'

/** An API answer other than 2xx, or no answer at all (status 0): its message is shown in plain words (api-errors.ts). */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    readonly apiMessage: string,
  ) {
    super(`API ${status}: ${apiMessage}`)
  }
}

export type ApiCall = { method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; key?: string; body?: unknown; actor?: string }
export type RawAnswer = { status: number; contentType: string; body: Buffer }

/**
 * The web server's only way to the API: one keep-alive pool to API_URL, the signed-in user's key as a Bearer token
 * (issue 10's contract), JSON in and out, a timeout on every call. Errors become ApiError with the API's own message.
 */
export class ApiClient {
  private readonly pool: Pool
  constructor(
    baseUrl: string,
    private readonly timeoutMs = 5_000,
  ) {
    this.pool = new Pool(baseUrl, { connections: 32, keepAliveTimeout: 30_000 })
  }

  async raw(call: ApiCall): Promise<RawAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (call.key) headers.authorization = `Bearer ${call.key}`
    if (call.actor) headers['x-ghostlink-actor'] = call.actor
    let body: string | undefined
    if (call.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(call.body)
    }
    try {
      const res = await this.pool.request({
        method: call.method ?? 'GET',
        path: call.path,
        headers,
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      })
      const buf = Buffer.from(await res.body.arrayBuffer())
      const type = res.headers['content-type']
      return { status: res.statusCode, contentType: (Array.isArray(type) ? type[0] : type) ?? '', body: buf }
    } catch (err) {
      throw new ApiError(0, (err as Error).message)
    }
  }

  async json<T>(call: ApiCall): Promise<T> {
    const res = await this.raw(call)
    let parsed: unknown
    try {
      parsed = res.body.length > 0 ? JSON.parse(res.body.toString('utf8')) : undefined
    } catch {
      parsed = undefined
    }
    if (res.status >= 200 && res.status < 300) return parsed as T
    const message = parsed && typeof parsed === 'object' && 'error' in parsed ? String((parsed as { error: unknown }).error) : ''
    throw new ApiError(res.status, message)
  }

  close() {
    return this.pool.close()
  }
}
