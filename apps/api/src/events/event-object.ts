import type { Event } from '@ghostlink/db'

/**
 * docs/CONTRACT.md#c-1-13 event object plus `timestamp` (ISO) and `details` (docs/decisions/rewrite-decisions.md#d-2); in
 * token mode also `actor_key_id`, the API key that made the change (docs/SECURITY.md#audit). Open mode keeps the contract's keys.
 */
export const toEventObject = (e: Event, withActor = false) => ({
  id: e.id,
  event_type: e.event_type,
  url_id: e.url_id,
  user_id: e.user_id,
  referrer: e.referrer,
  timestamp: e.timestamp.toISOString(),
  details: e.details ?? null,
  ...(withActor ? { actor_key_id: e.actor_key_id } : {}),
})
