/**
 * The advisory lock that stands in for the foreign keys of `events` (migration 0007): a transaction that inserts
 * click events holds it shared (`pg_advisory_xact_lock_shared`), the triggers that delete a link's events or unset a
 * deleted user take it exclusively, so a deletion waits for the click transactions in flight and those that start
 * later see it. The migration's triggers use the same number.
 */
export const EVENT_REFS_LOCK = 150_428
