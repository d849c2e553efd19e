/** The Postgres error behind a drizzle error (drizzle wraps driver errors in DrizzleQueryError.cause). */
function pgError(err: unknown): { code?: string; constraint_name?: string } | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof (e as { code?: unknown }).code === 'string') return e as { code?: string; constraint_name?: string }
  }
  return undefined
}

/** A unique violation on `constraint` (23505). */
export const isUniqueViolation = (err: unknown, constraint: string) => {
  const pg = pgError(err)
  return pg?.code === '23505' && pg.constraint_name === constraint
}

/** A foreign-key violation on `constraint` (23503). */
export const isForeignKeyViolation = (err: unknown, constraint: string) => {
  const pg = pgError(err)
  return pg?.code === '23503' && pg.constraint_name === constraint
}
