export { CLICK_WRITER_GROUP, createClickPipeline, createClickWriters, type ClickPipeline, type ClickPipelineOptions } from './click-pipeline.js'
export { Click, ClickRecordSchema, ClickStatus, type ClickBatch, type ClickRecord } from './click-record.js'
export { encodeClickBatch, decodeClickBatch } from './click-wire.js'
export { insertClicks, pruneClickBatches } from './insert-clicks.js'
