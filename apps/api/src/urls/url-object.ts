import type { Url } from '@ghostlink/db'

/**
 * The contract's URL object (docs/CONTRACT.md#c-1-1 `url_to_dict`): exactly these six keys, no timestamps.
 * Keys in alphabetical order, as the original's JSON provider sorted them.
 */
export const toUrlObject = (u: Url) => ({
  id: u.id,
  is_active: u.is_active,
  original_url: u.original_url,
  short_code: u.short_code,
  title: u.title,
  user_id: u.user_id,
})
