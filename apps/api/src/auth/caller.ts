/** Who is calling: the API key that authenticated the request and the user it belongs to. */
export type Caller = {
  keyId: number
  userId: number
  scope: 'admin' | 'user'
}

/**
 * Who may call a route, declared on every route as `config: { auth }` (docs/SECURITY.md#declaring-access):
 * - `public`: anyone, the key is not even read (health, canaries, the /urls/<code> redirect alias);
 * - `user`: any valid key; the handler limits a user key to its own resources;
 * - `anonymous`: like `user`, but with ANONYMOUS_LINKS on a request without a key is let through (POST /shorten);
 * - `admin`: an admin key.
 * A function decides per request (GET /urls/:id is public for a short code, `user` for an id).
 * A route that declares nothing is `admin`: new routes fail closed.
 */
export type AuthLevel = 'public' | 'user' | 'anonymous' | 'admin'

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthLevel | ((req: FastifyRequest) => AuthLevel)
  }
  interface FastifyRequest {
    /** The authenticated caller; undefined in open mode, on public routes and for anonymous shortening. */
    caller: Caller | undefined
  }
}
