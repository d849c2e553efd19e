#!/bin/sh
# Lift the quarantine of a short code through the API (audited as $USER). Exit 22 when it was not quarantined (404).
# Usage: infra/scripts/unquarantine.sh <short_code>
set -eu

code="${1:-}"
if ! printf '%s' "$code" | grep -Eq '^[A-Za-z0-9_-]{1,64}$'; then
  echo "usage: $0 <short_code>   (short_code: [A-Za-z0-9_-]{1,64})" >&2
  exit 2
fi
api="${GHOSTLINK_API_URL:-http://127.0.0.1:8081}"
actor="${USER:-$(id -un 2>/dev/null || echo unknown)}"

curl -sS --fail-with-body --max-time 10 -X DELETE \
  -H "X-GhostLink-Actor: $actor" \
  "$api/quarantine/$code"
echo
