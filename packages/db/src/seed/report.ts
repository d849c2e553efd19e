/** What the seed did to one table; `notes` keeps the first few row-level problems for the console. */
export type TableReport = {
  read: number
  inserted: number
  skipped: number
  /** inserted rows whose owner (user) could not be loaded, stored with user_id NULL */
  ownerNulled: number
  notes: string[]
}

const MAX_NOTES = 10

export const emptyReport = (): TableReport => ({ read: 0, inserted: 0, skipped: 0, ownerNulled: 0, notes: [] })

export function note(report: TableReport, message: string): void {
  if (report.notes.length < MAX_NOTES) report.notes.push(message)
  else if (report.notes.length === MAX_NOTES) report.notes.push('… (more problems not shown)')
}

export function formatReport(table: string, r: TableReport): string {
  const head = `${table.padEnd(6)} read ${r.read}, inserted ${r.inserted}, skipped ${r.skipped}, owner set to NULL ${r.ownerNulled}`
  return [head, ...r.notes.map((n) => `         - ${n}`)].join('\n')
}
