export const TEMPLATE_PATH: string
export const EMPTY_MAP_PATH: string
export const NGINX_DEFAULTS: Record<string, string>
export const EDGE_WORKER_PRIORITY: string
export const RATE_LIMIT_NAMES: string[]
export type DevPorts = { edge: number; api: number; redirect1: number; redirect2: number; web?: number; edgeRefresh?: number }
export function devNginxVars(env: Record<string, string | undefined>, ports: DevPorts, quarantineMapFile: string): Record<string, string | undefined>
export function renderNginx(vars: Record<string, string | number | undefined>, template?: string): string
export type NginxVars = Record<string, string> & {
  NGINX_LISTEN: string
  NGINX_PID_FILE: string
  NGINX_ERROR_LOG: string
  NGINX_ACCESS_LOG: string
  NGINX_TEMP_DIR: string
  NGINX_EDGE_CLICK_LOG: string
  QUARANTINE_MAP_FILE: string
  NGINX_REFRESH_LISTEN: string
}
export type PreparedNginx = { prefix: string; confPath: string; vars: NginxVars }
export function prepareNginx(prefix: string, overrides?: Record<string, string | undefined>): PreparedNginx
export function nginxArgs(p: PreparedNginx): string[]
