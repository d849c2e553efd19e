import { readFile } from 'node:fs/promises'

type SettableGauge = { set(value: number): void }

/** Keys of the rollback script's state file (docs/CONTRACT.md#c-8-4) and the gauge each one feeds. */
export const ROLLBACK_KEYS = [
  'ROLLBACKS_TOTAL',
  'MEAN_TIME_TO_DETECT_MINUTES',
  'MEAN_TIME_TO_RECOVER_MINUTES',
  'RECOVERY_ATTEMPTS_TOTAL',
  'RECOVERY_SUCCESS_TOTAL',
] as const
export type RollbackState = Record<(typeof ROLLBACK_KEYS)[number], number>

/** Parses `KEY=value` lines; a missing key or an unparsable value is 0 (docs/CONTRACT.md#c-8-4). */
export function parseRollbackState(text: string): RollbackState {
  const values = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=')
    if (eq <= 0 || line.trimStart().startsWith('#')) continue
    values.set(
      line.slice(0, eq).trim(),
      line
        .slice(eq + 1)
        .trim()
        .replace(/^(['"])(.*)\1$/, '$2'),
    )
  }
  const state = {} as RollbackState
  for (const key of ROLLBACK_KEYS) {
    const raw = values.get(key) ?? ''
    const n = raw === '' ? 0 : Number(raw)
    state[key] = Number.isFinite(n) ? n : 0
  }
  return state
}

/** The state file's values, all zeros when it is missing or unreadable. */
export async function readRollbackState(path: string): Promise<RollbackState> {
  try {
    return parseRollbackState(await readFile(path, 'utf8'))
  } catch {
    return parseRollbackState('')
  }
}

export type RollbackGauges = Record<
  'rollbacks' | 'meanTimeToDetect' | 'meanTimeToRecover' | 'recoveryAttempts' | 'recoverySuccess',
  SettableGauge
>

export function setRollbackGauges(g: RollbackGauges, s: RollbackState): void {
  g.rollbacks.set(s.ROLLBACKS_TOTAL)
  g.meanTimeToDetect.set(s.MEAN_TIME_TO_DETECT_MINUTES)
  g.meanTimeToRecover.set(s.MEAN_TIME_TO_RECOVER_MINUTES)
  g.recoveryAttempts.set(s.RECOVERY_ATTEMPTS_TOTAL)
  g.recoverySuccess.set(s.RECOVERY_SUCCESS_TOTAL)
}
