import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Another live process serves this data directory: PGlite files must never be opened by two processes at once. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError'
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the embedded database in ${dataDir} is in use by process ${pid}; stop it first`)
  }
}

const LOCK_FILE = 'ghostlink.pid'

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes the data directory for this process: writes its pid to `<dir>/ghostlink.pid`, exclusively. A lock left by a
 * process that is gone (killed, crashed) is taken over; one held by a live process throws DataDirInUseError.
 * Returns the release function (removes the file if it is still ours).
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' })
      return () => {
        if (heldBy(file) === process.pid) rmSync(file, { force: true })
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = heldBy(file)
      if (pid !== undefined && pid !== process.pid && alive(pid)) throw new DataDirInUseError(dir, pid)
      rmSync(file, { force: true }) // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${file}`)
}

function heldBy(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}
