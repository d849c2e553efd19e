import type { ChildProcess } from 'node:child_process'
export function restartDelayMs(failures: number, baseMs?: number, maxMs?: number): number
export type SupervisedEntry = { name: string; child: ChildProcess; restarts: number; pendingRestart: NodeJS.Timeout | undefined }
export function supervise(opts: {
  name: string
  spawnChild: () => ChildProcess
  isStopping: () => boolean
  log?: (line: string) => void
  baseMs?: number
  maxMs?: number
  healthyAfterMs?: number
  onFinalExit?: (entry: SupervisedEntry) => void
}): SupervisedEntry
export function isDown(entry: SupervisedEntry): boolean
