import { BadRequest, type JsonObject } from '@ghostlink/http'
import { z } from 'zod'

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/

/** POST /users/:id/keys and POST /keys body: optional `name` (≤ 100 characters) and `scope` (default `user`). */
const NewKeyBody = z.object({
  name: z
    .string()
    .trim()
    .max(100)
    .refine((s) => !CONTROL.test(s))
    .transform((s) => (s === '' ? null : s))
    .nullish(),
  scope: z.enum(['user', 'admin']).optional(),
})

export function parseNewKeyBody(body: JsonObject): { name: string | null; scope: 'user' | 'admin' | undefined } {
  const r = NewKeyBody.safeParse(body)
  if (!r.success) throw BadRequest('Invalid request body')
  return { name: r.data.name ?? null, scope: r.data.scope }
}
