import type { Url } from '@ghostlink/db'

/**
 * The contract's URL object (docs/CONTRACT.md#c-1-1 `url_to_dict`): exactly these six keys, no timestamps.
 * Keys in alphabetical order, as the original's JSON provider sorted them. A per-link option (issue 14) joins them,
 * in its alphabetical place, only when set: a link without options keeps the contract's key set.
 */
export const toUrlObject = (u: Url) => {
  const o: Record<string, unknown> = {}
  if (u.expires_at !== null) o.expires_at = u.expires_at.toISOString()
  if (u.forward_query !== null) o.forward_query = u.forward_query
  o.id = u.id
  o.is_active = u.is_active
  if (u.max_clicks !== null) o.max_clicks = u.max_clicks
  o.original_url = u.original_url
  if (u.redirect_type !== null) o.redirect_type = u.redirect_type
  o.short_code = u.short_code
  o.title = u.title
  o.user_id = u.user_id
  return o as UrlObject
}

export type UrlObject = {
  expires_at?: string
  forward_query?: boolean
  id: number
  is_active: boolean
  max_clicks?: number
  original_url: string
  redirect_type?: number
  short_code: string
  title: string | null
  user_id: number | null
}
