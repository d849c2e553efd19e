import type { User } from '@ghostlink/db'

/** docs/CONTRACT.md#c-1-11 user object; `created_at` (ISO) is an added key. */
export const toUserObject = (u: User) => ({ id: u.id, username: u.username, email: u.email, created_at: u.created_at.toISOString() })
