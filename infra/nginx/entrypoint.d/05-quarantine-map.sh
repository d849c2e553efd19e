#!/bin/sh
# nginx image entrypoint hook (runs before the template is rendered):
#  1. make sure the quarantine map exists (nginx refuses to start on a missing include);
#  2. watch it (mtime, size, inode: the writer renames a temp file) and reload nginx when packages/quarantine
#     rewrites it, after `nginx -t` (the apps cannot signal this container). stat -L follows symlinks: on Kubernetes
#     the file is a ConfigMap key, a symlink whose target the kubelet swaps (deploy/k8s).
set -eu
map=${QUARANTINE_MAP_FILE:-/etc/nginx/quarantine/blocked_codes.conf}
mkdir -p "$(dirname "$map")"
[ -f "$map" ] || printf '# quarantine map (empty)\n' > "$map"
# the first state is taken before backgrounding, so a change right after start-up is not missed
last=$(stat -L -c %Y:%s:%i "$map" 2>/dev/null || echo none)
(
  while sleep "${QUARANTINE_WATCH_SECONDS:-2}"; do
    now=$(stat -L -c %Y:%s:%i "$map" 2>/dev/null || echo none)
    if [ "$now" != "$last" ]; then
      last=$now
      if nginx -t -q; then nginx -s reload; else echo "quarantine map rejected by nginx -t; keeping the old one" >&2; fi
    fi
  done
) &
