#!/bin/sh
# nginx image entrypoint hook (runs before the template is rendered):
#  1. make sure the quarantine map exists (nginx refuses to start on a missing include);
#  2. watch it (mtime, size, inode: the writer renames a temp file) and reload nginx when packages/quarantine
#     rewrites it, after `nginx -t` (the apps cannot signal this container). stat -L: the map may be a symlink.
#  On Kubernetes (deploy/k8s) QUARANTINE_MAP_SOURCE names the copy the risk pod publishes: a ConfigMap key, read-only,
#  absent until the first publish, a symlink the kubelet swaps. It is copied over the map whenever the two differ.
set -eu
map=${QUARANTINE_MAP_FILE:-/etc/nginx/quarantine/blocked_codes.conf}
src=${QUARANTINE_MAP_SOURCE:-}
mkdir -p "$(dirname "$map")"
[ -f "$map" ] || printf '# quarantine map (empty)\n' > "$map"
copy_source() {
  if [ -n "$src" ] && [ -f "$src" ] && ! cmp -s "$src" "$map"; then
    { cp "$src" "$map.tmp" && mv "$map.tmp" "$map"; } || echo "quarantine map: cannot copy $src" >&2
  fi
  return 0
}
copy_source
# the first state is taken before backgrounding, so a change right after start-up is not missed
last=$(stat -L -c %Y:%s:%i "$map" 2>/dev/null || echo none)
(
  while sleep "${QUARANTINE_WATCH_SECONDS:-2}"; do
    copy_source
    now=$(stat -L -c %Y:%s:%i "$map" 2>/dev/null || echo none)
    if [ "$now" != "$last" ]; then
      last=$now
      if nginx -t -q; then nginx -s reload; else echo "quarantine map rejected by nginx -t; keeping the old one" >&2; fi
    fi
  done
) &
