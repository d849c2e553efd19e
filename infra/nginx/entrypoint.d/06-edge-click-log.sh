#!/bin/sh
# nginx image entrypoint hook: the edge's click log (NGINX_EDGE_CLICK_LOG, the requests the micro-cache answered)
# lives on a volume the click writer mounts too. nginx (root) writes the log; the click writer (user node) reads it
# and keeps its shipped offset beside it, so the directory is writable by both (sticky, like /tmp).
set -eu
if [ -n "${NGINX_EDGE_CLICK_LOG:-}" ]; then
  dir=$(dirname "$NGINX_EDGE_CLICK_LOG")
  mkdir -p "$dir"
  chmod 1777 "$dir"
  touch "$NGINX_EDGE_CLICK_LOG"
  chmod 0644 "$NGINX_EDGE_CLICK_LOG"
fi
