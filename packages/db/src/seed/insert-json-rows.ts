import type { Db } from '../client.js'

/** A target column: its name, its SQL type, and the expression that fills it from the JSON record `t`. */
export type JsonColumn = { name: string; type: string; expr?: string }

/**
 * One multi-row `INSERT … SELECT FROM json_to_recordset(…) ON CONFLICT DO NOTHING RETURNING id, <returning>`.
 * Table and column names are constants of the caller, never input; the rows travel as one JSON parameter.
 */
export async function insertJsonRows<R extends Record<string, unknown>>(
  db: Db,
  table: string,
  columns: JsonColumn[],
  rows: object[],
  returning: string[] = [],
): Promise<R[]> {
  if (rows.length === 0) return []
  const names = columns.map((c) => `"${c.name}"`).join(', ')
  const defs = columns.map((c) => `"${c.name}" ${c.type}`).join(', ')
  const exprs = columns.map((c) => c.expr ?? `t."${c.name}"`).join(', ')
  const ret = ['id', ...returning].map((c) => `"${c}"`).join(', ')
  const text = `insert into ${table} (${names}) select ${exprs} from json_to_recordset($1::json) as t(${defs})
    on conflict do nothing returning ${ret}`
  return (await db.$client.unsafe(text, [JSON.stringify(rows)])) as unknown as R[]
}

/** The ids among `ids` that exist in `table` (users or urls), for the ownership checks of the seed. */
export async function existingIds(db: Db, table: 'users' | 'urls', ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set()
  const rows = await db.$client.unsafe(
    `select id from ${table} where id in (select value::int from json_array_elements_text($1::json))`,
    [JSON.stringify([...new Set(ids)])],
  )
  return new Set(rows.map((r) => Number(r.id)))
}
