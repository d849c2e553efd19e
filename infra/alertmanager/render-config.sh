#!/bin/sh
# Renders the Alertmanager config with the webhook URL from the environment (never committed).
# Usage: render-config.sh <template> <output>; exits 1 when ALERT_WEBHOOK_URL is unset or not http(s).
set -eu
template=$1
out=$2
url=${ALERT_WEBHOOK_URL:-}
case "$url" in
  http://*|https://*) ;;
  *) echo "render-config.sh: ALERT_WEBHOOK_URL must be set to an http(s) URL" >&2; exit 1 ;;
esac
# escape what is special in a sed replacement (backslash, ampersand, the | delimiter)
escaped=$(printf '%s' "$url" | sed -e "s/'/''/g" -e 's/[\\&|]/\\&/g')
# single-quoted in YAML so characters like # or : survive (a ' is doubled)
sed "s|\${ALERT_WEBHOOK_URL}|'${escaped}'|" "$template" > "$out.tmp"
mv "$out.tmp" "$out"
chmod 600 "$out"
