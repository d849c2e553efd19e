export { createLinkLookup, type LinkLookup, type LinkLookupOptions } from './lookup.js'
export { type LinkAnswer, LinkAnswerSchema } from './link-answer.js'
export { safeLocation } from './safe-location.js'
