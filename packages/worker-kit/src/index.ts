export { parseJob } from './parse-job.js'
export { instrumentWorker, sampleQueueCounts } from './instrument-worker.js'
export { workerApp, type WorkerAppOptions } from './worker-app.js'
export { sweepActiveUrls, type SweepActiveUrlsOptions } from './sweep-active-urls.js'
