import { z } from 'zod'
import { type ClickBatch, ClickStatusSchema } from './click-record.js'

/**
 * A click batch as a Redis stream entry. The strings of a batch repeat (a popular link's code, a busy client's
 * address, the same few browsers' user agents and referring pages), so each distinct string is sent once in
 * `strings` and the records point into it. That keeps the stream small while the writer lags behind a burst
 * (the stream is the buffer) and the replica's hand-off cheap.
 */
const Index = z.number().int().nonnegative()
const WireRecordSchema = z.tuple([
  z.number().int(), // at
  Index, // code
  ClickStatusSchema,
  Index, // ip
  Index.nullable(), // user agent
  Index.nullable(), // referrer
  z.number().int().nullable(), // url_id
  z.number().int().nullable(), // user_id
])
const WireBatchSchema = z.object({ id: z.string(), strings: z.array(z.string()), records: z.array(WireRecordSchema) })

type WireRecord = z.infer<typeof WireRecordSchema>

export function encodeClickBatch(batch: ClickBatch): string {
  const strings: string[] = []
  const index = new Map<string, number>()
  const ref = (s: string) => {
    let i = index.get(s)
    if (i === undefined) {
      i = strings.push(s) - 1
      index.set(s, i)
    }
    return i
  }
  const records = batch.records.map(
    ([at, code, status, ip, ua, referrer, urlId, userId]): WireRecord => [
      at,
      ref(code),
      status,
      ref(ip),
      ua === null ? null : ref(ua),
      referrer === null ? null : ref(referrer),
      urlId,
      userId,
    ],
  )
  return JSON.stringify({ id: batch.id, strings, records })
}

/** The batch, or undefined when the entry is not a valid batch (corrupt, foreign, or pointing outside `strings`). */
export function decodeClickBatch(json: string): ClickBatch | undefined {
  let parsed: z.infer<typeof WireBatchSchema>
  try {
    const result = WireBatchSchema.safeParse(JSON.parse(json))
    if (!result.success) return undefined
    parsed = result.data
  } catch {
    return undefined
  }
  const { strings } = parsed
  const at = (i: number) => strings[i]
  const records: ClickBatch['records'] = []
  for (const [time, code, status, ip, ua, referrer, urlId, userId] of parsed.records) {
    const c = at(code)
    const addr = at(ip)
    const agent = ua === null ? null : at(ua)
    const from = referrer === null ? null : at(referrer)
    if (c === undefined || addr === undefined || agent === undefined || from === undefined) return undefined
    records.push([time, c, status, addr, agent, from, urlId, userId])
  }
  return { id: parsed.id, records }
}
