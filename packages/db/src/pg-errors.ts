/** The Postgres error behind a drizzle error (drizzle wraps driver errors in DrizzleQueryError.cause). */
function pgError(err: unknown): { code?: string; constraint_name?: string } | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof (e as { code?: unknown }).code === 'string') return e as { code?: string; constraint_name?: string }
  }
  return undefined
}

const violates = (code: string) => (err: unknown, constraint?: string) => {
  const pg = pgError(err)
  return pg?.code === code && (constraint === undefined || pg.constraint_name === constraint)
}

/** A unique violation (23505), on `constraint` when one is named. */
export const isUniqueViolation = violates('23505')

/** A foreign-key violation (23503), on `constraint` when one is named. */
export const isForeignKeyViolation = violates('23503')
