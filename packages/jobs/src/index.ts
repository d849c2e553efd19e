export * from './queues.js'
