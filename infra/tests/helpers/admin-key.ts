/** The bootstrap admin key the e2e platforms start with (GHOSTLINK_ADMIN_KEY): management calls carry it, redirects none. */
export const ADMIN_KEY = `gl_e2e-admin-${'k'.repeat(40)}`
export const ADMIN = { authorization: `Bearer ${ADMIN_KEY}` }
