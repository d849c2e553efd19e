export * from './queues.js'
export * from './enqueue.js'
