#!/bin/sh
# Quarantine a short code through the API (audited as $USER); the risk worker renders the Nginx map and reloads it.
# Usage: infra/scripts/quarantine.sh <short_code> [reason]
set -eu

code="${1:-}"
reason="${2:-}"
if ! printf '%s' "$code" | grep -Eq '^[A-Za-z0-9_-]{1,64}$'; then
  echo "usage: $0 <short_code> [reason]   (short_code: [A-Za-z0-9_-]{1,64})" >&2
  exit 2
fi
api="${GHOSTLINK_API_URL:-http://127.0.0.1:8081}"
actor="${USER:-$(id -un 2>/dev/null || echo unknown)}"
# JSON-escape the reason (backslash and double quote; control characters are dropped)
escaped=$(printf '%s' "$reason" | tr -d '\000-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')

curl -sS --fail-with-body --max-time 10 -X POST \
  -H 'Content-Type: application/json' \
  -H "X-GhostLink-Actor: $actor" \
  --data "{\"reason\": \"$escaped\"}" \
  "$api/quarantine/$code"
echo
