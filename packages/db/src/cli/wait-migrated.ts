// Kubernetes init step of every app pod (deploy/k8s): waits until the migration Job has applied every migration
// this image ships, so no pod runs against an older schema. Exits 0 when none is pending; polls forever otherwise
// (the pod stays in Init, visible in `kubectl get pods`), logging every 30 s.
import { loadConfig } from '@ghostlink/config'
import { pendingMigrations } from '../migrate.js'

const config = loadConfig()
const started = Date.now()
let lastLog = 0
for (;;) {
  let state: string
  try {
    const pending = await pendingMigrations(config.databaseUrl)
    if (pending === 0) {
      console.log(`schema up to date after ${Math.round((Date.now() - started) / 1000)} s`)
      process.exit(0)
    }
    state = `${pending} migration(s) not applied yet; waiting for the migrate Job`
  } catch (err) {
    state = `database not reachable (${(err as Error).message}); retrying`
  }
  if (Date.now() - lastLog >= 30_000) {
    console.log(state)
    lastLog = Date.now()
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000))
}
