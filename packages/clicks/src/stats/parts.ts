// The statistics' steps one by one (what insertClicks and the fold run together), so that bench/stats/profile.ts can
// time each apart: `@ghostlink/clicks/stats-parts`. Nothing in the apps imports this.
export { buildRollup } from './click-rollup.js'
export { foldClickStats } from './fold-click-stats.js'
export { saltsOfCountedDays } from './visitor-salt.js'
export { writeClickBatches } from '../insert-clicks.js'
