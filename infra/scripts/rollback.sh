#!/usr/bin/env bash
# Roll a service back to its previous image tag, wait for health, record rollback telemetry (docs/CONTRACT.md#c-8-4).
#
#   infra/scripts/rollback.sh [--dry-run|plan] [--detect-minutes N] <api|redirect|prober|risk|click-writer|web|all> [target_tag]
#
# The release of a service is its image tag in the env file compose reads (.env):
#   <SVC>_IMAGE_TAG (current, also its APP_VERSION) and PREVIOUS_<SVC>_IMAGE_TAG (what a rollback goes back to).
# A rollback swaps them (target = argument or PREVIOUS_*), stamps <SVC>_DEPLOYED_AT, runs
# `docker compose up -d --no-build <services>`, waits until every container is healthy, and rewrites
# ROLLBACK_STATE_FILE. A failed rollback (compose error, health timeout) still counts as an attempt.
# --dry-run prints the exact changes and touches nothing.
#
# Environment: ENV_FILE (.env), COMPOSE_FILE (docker-compose.yml), ROLLBACK_STATE_FILE, ROLLBACK_EVENTS_LOG,
# ROLLBACK_DETECT_MINUTES (2: ServiceDown/HighErrorRate `for` + group_wait), ROLLBACK_HEALTH_TIMEOUT_SECONDS (120),
# ROLLBACK_POLL_SECONDS (2), DOCKER (docker).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
abs() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$repo_root" "$1" ;; esac; }

usage() {
  echo "usage: $0 [--dry-run|plan] [--detect-minutes N] <api|redirect|prober|risk|click-writer|web|all> [target_tag]" >&2
  exit 2
}

dry_run=0
detect_minutes=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run | plan) dry_run=1 ;;
    --detect-minutes) detect_minutes=${2:?--detect-minutes needs a value}; shift ;;
    -h | --help) usage ;;
    *) args+=("$1") ;;
  esac
  shift
done
[ ${#args[@]} -ge 1 ] && [ ${#args[@]} -le 2 ] || usage
group=${args[0]}
explicit_target=${args[1]:-}

env_file=$(abs "${ENV_FILE:-.env}")
compose_file=$(abs "${COMPOSE_FILE:-docker-compose.yml}")
[ -f "$env_file" ] || { echo "rollback: env file $env_file not found (copy .env.example)" >&2; exit 2; }

# last KEY=value of the env file, surrounding quotes removed
env_get() {
  local line
  line=$(grep -E "^$1=" "$env_file" | tail -n 1 || true)
  line=${line#*=}
  line=${line%\"}; line=${line#\"}; line=${line%\'}; line=${line#\'}
  printf '%s' "$line"
}
env_line() { grep -nE "^$1=" "$env_file" | tail -n 1 | cut -d: -f1 || true; }

state_file=$(abs "${ROLLBACK_STATE_FILE:-$(env_get ROLLBACK_STATE_FILE)}")
[ "$state_file" != "$repo_root/" ] || state_file="$repo_root/infra/state/rollback_state.env"
events_log=$(abs "${ROLLBACK_EVENTS_LOG:-$(dirname "$state_file")/rollback_events.log}")
detect_minutes=${detect_minutes:-${ROLLBACK_DETECT_MINUTES:-$(env_get ROLLBACK_DETECT_MINUTES)}}
detect_minutes=${detect_minutes:-2}
health_timeout=${ROLLBACK_HEALTH_TIMEOUT_SECONDS:-120}
poll=${ROLLBACK_POLL_SECONDS:-2}
docker_cmd=${DOCKER:-docker}

state_get() {
  local v=""
  [ -f "$state_file" ] && v=$(grep -E "^$1=" "$state_file" | tail -n 1 | cut -d= -f2- || true)
  case "$v" in '' | *[!0-9.]*) [ "$2" = num ] && v=0 ;; esac
  printf '%s' "$v"
}

services_of() {
  case "$1" in
    api) echo api ;;
    redirect) echo "redirect-1 redirect-2" ;;
    prober) echo prober ;;
    risk) echo risk ;;
    click-writer) echo click-writer ;;
    web) echo web ;;
    *) return 1 ;;
  esac
}

# running mean: (prev * (n - 1) + latest) / n, two decimals
# wall clock in milliseconds (GNU date; whole seconds where %N is not supported)
now_ms() { local t; t=$(date +%s%3N); case "$t" in *N*) echo "$(date +%s)000" ;; *) echo "$t" ;; esac; }

running_mean() { awk -v p="$1" -v n="$2" -v l="$3" 'BEGIN { if (n <= 1) printf "%.2f", l; else printf "%.2f", (p * (n - 1) + l) / n }'; }

# replace (or append) KEY=value in a file, atomically
set_key() {
  local file=$1 key=$2 value=$3 tmp
  tmp=$(mktemp "$file.XXXXXX")
  awk -v k="$key" -v v="$value" 'BEGIN { done = 0 } $0 ~ "^" k "=" { print k "=" v; done = 1; next } { print } END { if (!done) print k "=" v }' "$file" > "$tmp"
  chmod --reference="$file" "$tmp" 2>/dev/null || true
  mv "$tmp" "$file"
}

write_state() { # <status> <service-group> <from> <to> <recovery-minutes>
  local status=$1 svc=$2 from=$3 to=$4 minutes=$5
  local rollbacks attempts successes mttr mttd
  rollbacks=$(( $(state_get ROLLBACKS_TOTAL num | cut -d. -f1) + 1 ))
  attempts=$(( $(state_get RECOVERY_ATTEMPTS_TOTAL num | cut -d. -f1) + 1 ))
  successes=$(state_get RECOVERY_SUCCESS_TOTAL num | cut -d. -f1)
  mttr=$(state_get MEAN_TIME_TO_RECOVER_MINUTES num)
  mttd=$(running_mean "$(state_get MEAN_TIME_TO_DETECT_MINUTES num)" "$attempts" "$detect_minutes")
  if [ "$status" = success ]; then
    successes=$((successes + 1))
    mttr=$(running_mean "$mttr" "$successes" "$minutes") # over successful recoveries only
  fi
  mkdir -p "$(dirname "$state_file")"
  local tmp
  tmp=$(mktemp "$(dirname "$state_file")/.rollback_state.XXXXXX")
  {
    echo "ROLLBACKS_TOTAL=$rollbacks"
    echo "MEAN_TIME_TO_DETECT_MINUTES=$mttd"
    echo "MEAN_TIME_TO_RECOVER_MINUTES=$mttr"
    echo "RECOVERY_ATTEMPTS_TOTAL=$attempts"
    echo "RECOVERY_SUCCESS_TOTAL=$successes"
    echo "LAST_ROLLBACK_SERVICE=$svc"
    echo "LAST_ROLLBACK_FROM=$from"
    echo "LAST_ROLLBACK_TO=$to"
    echo "LAST_ROLLBACK_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "LAST_ROLLBACK_STATUS=$status"
    echo "LAST_ROLLBACK_RECOVERY_MINUTES=$minutes"
  } > "$tmp"
  chmod 644 "$tmp"
  mv "$tmp" "$state_file"
  printf '%s action=rollback service=%s from=%s to=%s actor=%s status=%s recovery_minutes=%s\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$svc" "$from" "$to" "${USER:-unknown}" "$status" "$minutes" >> "$events_log"
}

container_state() { # healthy | running (no healthcheck) | anything else = not yet
  local id
  id=$("$docker_cmd" compose --env-file "$env_file" -f "$compose_file" ps -q "$1" 2>/dev/null | head -n 1)
  [ -n "$id" ] || { echo missing; return; }
  "$docker_cmd" inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null || echo unknown
}

rollback_group() {
  local g=$1 prefix current previous target services
  prefix=$(printf '%s' "$g" | tr '[:lower:]-' '[:upper:]_')
  services=$(services_of "$g") || usage
  current=$(env_get "${prefix}_IMAGE_TAG")
  previous=$(env_get "PREVIOUS_${prefix}_IMAGE_TAG")
  target=${explicit_target:-$previous}
  if [ -z "$target" ] || [ "$target" = "$current" ]; then
    echo "rollback $g: nothing to roll back to (${prefix}_IMAGE_TAG=\"$current\", PREVIOUS_${prefix}_IMAGE_TAG=\"$previous\")" >&2
    return 3
  fi
  local now
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)

  if [ "$dry_run" = 1 ]; then
    local l1 l2 l3 n
    l1=$(env_line "${prefix}_IMAGE_TAG"); l2=$(env_line "PREVIOUS_${prefix}_IMAGE_TAG"); l3=$(env_line "${prefix}_DEPLOYED_AT")
    echo "$env_file:${l1:-new} ${prefix}_IMAGE_TAG: \"$current\" -> \"$target\""
    echo "$env_file:${l2:-new} PREVIOUS_${prefix}_IMAGE_TAG: \"$previous\" -> \"$current\""
    echo "$env_file:${l3:-new} ${prefix}_DEPLOYED_AT: \"$(env_get "${prefix}_DEPLOYED_AT")\" -> \"<time of the rollback>\""
    echo "would run: $docker_cmd compose --env-file $env_file -f $compose_file up -d --no-build $services"
    echo "would wait up to ${health_timeout}s for healthy: $services"
    n=$(( $(state_get RECOVERY_ATTEMPTS_TOTAL num | cut -d. -f1) + 1 ))
    echo "$state_file: ROLLBACKS_TOTAL $(state_get ROLLBACKS_TOTAL num) -> +1, RECOVERY_ATTEMPTS_TOTAL $(state_get RECOVERY_ATTEMPTS_TOTAL num) -> $n, RECOVERY_SUCCESS_TOTAL $(state_get RECOVERY_SUCCESS_TOTAL num) -> +1 if healthy"
    echo "$state_file: MEAN_TIME_TO_DETECT_MINUTES -> $(running_mean "$(state_get MEAN_TIME_TO_DETECT_MINUTES num)" "$n" "$detect_minutes"), MEAN_TIME_TO_RECOVER_MINUTES updated with the measured time, LAST_ROLLBACK_SERVICE=$g LAST_ROLLBACK_FROM=$current LAST_ROLLBACK_TO=$target"
    return 0
  fi

  echo "rollback $g: $current -> $target ($services)"
  set_key "$env_file" "${prefix}_IMAGE_TAG" "$target"
  set_key "$env_file" "PREVIOUS_${prefix}_IMAGE_TAG" "$current"
  set_key "$env_file" "${prefix}_DEPLOYED_AT" "$now"

  local started elapsed minutes status=failed
  started=$(now_ms)
  # shellcheck disable=SC2086 # services is a word list
  if "$docker_cmd" compose --env-file "$env_file" -f "$compose_file" up -d --no-build $services; then
    while :; do
      local all_ok=1 s st
      for s in $services; do
        st=$(container_state "$s")
        [ "$st" = healthy ] || [ "$st" = running ] || all_ok=0
      done
      if [ "$all_ok" = 1 ]; then status=success; break; fi
      [ $(( $(now_ms) - started )) -ge $((health_timeout * 1000)) ] && break
      sleep "$poll"
    done
  else
    echo "rollback $g: docker compose up failed" >&2
  fi
  elapsed=$(awk -v ms="$(( $(now_ms) - started ))" 'BEGIN { printf "%.1f", ms / 1000 }')
  minutes=$(awk -v s="$elapsed" 'BEGIN { printf "%.2f", s / 60 }')
  write_state "$status" "$g" "$current" "$target" "$minutes"
  if [ "$status" = success ]; then
    echo "rollback $g: healthy on $target after ${elapsed}s (state: $state_file)"
  else
    echo "rollback $g: NOT healthy after ${elapsed}s; ${prefix}_IMAGE_TAG is now $target in $env_file (attempt recorded)" >&2
    return 1
  fi
}

rc=0
if [ "$group" = all ]; then
  for g in redirect api prober risk click-writer web; do rollback_group "$g" || rc=$?; done
else
  services_of "$group" > /dev/null || usage
  rollback_group "$group" || rc=$?
fi
[ "$dry_run" = 1 ] && echo "No files changed because --dry-run was used."
exit "$rc"
