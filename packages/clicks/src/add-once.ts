import type { Redis } from 'ioredis'

// SET NX on the batch's marker, then XADD: a batch whose reply was lost (Redis stopped mid-command) can be sent
// again without landing twice in the stream.
const ADD_ONCE = `
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then
  return redis.call('XADD', KEYS[1], '*', 'b', ARGV[1])
end
return false`

/** XADD of one encoded click batch unless its marker key exists; resolves to the entry id, or null for a repeat. */
export type AddClicksOnce = (stream: string, marker: string, payload: string, ttlSeconds: number) => Promise<string | null>

/** The idempotent XADD every click producer uses (the replicas' hand-off and the edge log shipper). */
export function defineAddClicksOnce(redis: Redis): AddClicksOnce {
  redis.defineCommand('glAddClicksOnce', { numberOfKeys: 2, lua: ADD_ONCE })
  return (redis as unknown as { glAddClicksOnce: AddClicksOnce }).glAddClicksOnce.bind(redis)
}

/** The marker key of a batch id (one namespace for every producer, so ids must be unique across them). */
export const clickBatchMarker = (clickStream: string, batchId: string) => `${clickStream}:batch:${batchId}`
