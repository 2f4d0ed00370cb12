#!/usr/bin/env bash
# Load test of ticket generation over HTTP with authentication, rate limiting and session touch on.
#   bench/http/run.sh [duration=20s] [connections=64] [repeats=3]
# For each store (a redis-server started here, then the embedded store) and each route
# (legacy `POST /` generate_template_tickets, REST `POST /api/v1/tickets`), runs wrk for $WARMUP
# (default 3s, not reported), then `repeats` times, and prints one RESULT line per timed run. Needs wrk (apt-get install wrk) and redis-server.
# Environment: HANDOFF_BIN=<binary> runs that build instead of building this tree (for before/after
# comparisons); STORES="redis embedded" picks the stores; the deployment build (`--profile
# release-lto`) goes to ${CARGO_TARGET_DIR:-<repo>/target}. After the Redis runs it prints Redis
# commands per request.
set -euo pipefail
DURATION=${1:-20s}
CONNECTIONS=${2:-64}
REPEATS=${3:-3}
WARMUP=${WARMUP:-3s}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

STORES=${STORES:-redis embedded}
if [ -n "${HANDOFF_BIN:-}" ]; then
  HANDOFF=$HANDOFF_BIN
  # handoff reads every HANDOFF_* variable as configuration and refuses unknown keys.
  unset HANDOFF_BIN
else
  cargo build --profile release-lto --locked -p handoff --manifest-path "$ROOT/Cargo.toml" >&2
  HANDOFF="${CARGO_TARGET_DIR:-$ROOT/target}/release-lto/handoff"
fi
# shellcheck source=common.sh
. "$HERE/common.sh"
write_bodies "$WORK"

run_store() { # $1 = label, remaining: env assignments for handoff
  local label=$1; shift
  local port; port=$(free_port)
  handoff_env "$WORK/data-$label" "$@"
  local key; key=$(api_key "$HANDOFF")
  "${HANDOFF_ENV[@]}" HANDOFF_BIND="127.0.0.1:$port" "$HANDOFF" serve >"$WORK/serve-$label.log" 2>&1 &
  local pid=$!; PIDS+=("$pid")
  local token; token=$(session_token "$port" "$key")
  for route in legacy v1; do
    local path; path=$(route_path "$route")
    # Correctness first: the request must succeed before it is timed.
    curl -sf -X POST -H "Authorization: Bearer $token" --data-binary @"$WORK/$route.json" "http://127.0.0.1:$port$path" >/dev/null
    # Steady state is what is measured: a fresh process spends its first seconds growing its heap,
    # and on these VMs (free page reporting) every first touch of a page is a slow host fault.
    BODY_FILE="$WORK/$route.json" TOKEN="$token" wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -s "$HERE/post.lua" "http://127.0.0.1:$port$path" >/dev/null
    for i in $(seq "$REPEATS"); do
      printf '%s %s run %s: ' "$label" "$route" "$i"
      BODY_FILE="$WORK/$route.json" TOKEN="$token" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$HERE/post.lua" "http://127.0.0.1:$port$path" | grep RESULT
    done
    if [ "$label" = redis ]; then
      printf '%s %s: ' "$label" "$route"
      redis_calls_per_request "$REDIS_PORT" "$port" "$token" "$path" "$WORK/$route.json"
    fi
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

# Redis commands per request: commandstats over a fixed number of requests (after the timed runs).
redis_calls_per_request() { # $1 = port, $2 = handoff port, $3 = token, $4 = route path, $5 = body file
  local n=200
  redis-cli -p "$1" config resetstat >/dev/null
  for _ in $(seq "$n"); do
    curl -sf -X POST -H "Authorization: Bearer $3" --data-binary @"$5" "http://127.0.0.1:$2$4" >/dev/null
  done
  redis-cli -p "$1" info commandstats | tr -d '\r' | python3 -c '
import re, sys
n = int(sys.argv[1]); total = 0; parts = []
for line in sys.stdin:
    m = re.match(r"cmdstat_(\w+):calls=(\d+)", line)
    if m and m.group(1) not in ("config", "info"):
        total += int(m.group(2)); parts.append("%s=%.2f" % (m.group(1), int(m.group(2)) / n))
print("redis commands per request: %.2f (%s)" % (total / n, " ".join(parts)))' "$n"
}

for store in $STORES; do
  case $store in
    redis)
      REDIS_PORT=$(free_port)
      redis-server --port "$REDIS_PORT" --save '' --appendonly no --daemonize no >"$WORK/redis.log" 2>&1 &
      PIDS+=("$!")
      for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
      run_store redis HANDOFF_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" ;;
    embedded) run_store embedded ;;
    *) echo "unknown store $store" >&2; exit 2 ;;
  esac
done
