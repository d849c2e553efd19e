// Container HEALTHCHECK: GET /health on the app's own port (exit 0 = healthy). APP is set in the image.
const portVar = { api: 'API_PORT', redirect: 'REDIRECT_PORT', prober: 'PROBER_PORT', risk: 'RISK_PORT', 'click-writer': 'CLICK_WRITER_PORT', web: 'WEB_PORT' }[process.env.APP ?? '']
const defaults = { API_PORT: '8081', REDIRECT_PORT: '8082', PROBER_PORT: '9101', RISK_PORT: '9102', CLICK_WRITER_PORT: '9103', WEB_PORT: '8084' }
const port = portVar ? process.env[portVar] || defaults[portVar] : undefined
if (!port) {
  console.error(`healthcheck: unknown APP ${process.env.APP}`)
  process.exit(1)
}
fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2500) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1))
