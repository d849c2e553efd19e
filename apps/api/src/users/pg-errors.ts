/** True when `err` (or a cause drizzle wrapped around it) carries the Postgres error code `code`. */
function hasPgCode(err: unknown, code: string): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === code) return true
  }
  return false
}

export const isUniqueViolation = (err: unknown) => hasPgCode(err, '23505')
export const isForeignKeyViolation = (err: unknown) => hasPgCode(err, '23503')
