import { type Config, loadConfig } from '@ghostlink/config'
import { join, resolve } from 'node:path'

const platform = loadConfig({})

/**
 * The configuration as the one-process mode reads it: settings left at their platform default that name another
 * process are pointed at this one. The canaries go through this process's port (the platform's front door is
 * :8080), and the quarantine map file (an input of nginx, which this mode does without) goes into the data directory.
 */
export function oneProcessConfig(config: Config): Config {
  return {
    ...config,
    CANARY_BASE_URL: config.CANARY_BASE_URL === platform.CANARY_BASE_URL ? `http://127.0.0.1:${config.PORT}` : config.CANARY_BASE_URL,
    QUARANTINE_MAP_FILE:
      config.QUARANTINE_MAP_FILE === platform.QUARANTINE_MAP_FILE ? join(resolve(config.GHOSTLINK_DATA_DIR), 'blocked_codes.conf') : config.QUARANTINE_MAP_FILE,
  }
}
