// The ceiling: a bare fastify server answering 302 from an in-memory Map, nothing else (no hooks, no metrics, no clicks).
import Fastify from 'fastify'

const codes = Number(process.env.BENCH_CODES ?? 1000)
const map = new Map<string, string>()
for (let i = 0; i < codes; i++) map.set(`b${i}`, `https://example.com/landing/${i}`)

const app = Fastify({ logger: false })
app.get<{ Params: { code: string } }>('/:code', (req, reply) => {
  const url = map.get(req.params.code)
  if (url === undefined) return reply.code(404).send()
  return reply.code(302).header('location', url).send()
})
app.get('/ready', async () => ({ ready: true }))
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
