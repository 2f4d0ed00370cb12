#!/usr/bin/env bash
# Load test of ticket generation over HTTP with authentication, rate limiting and session touch on.
#   bench/http/run.sh [duration=20s] [connections=64] [repeats=3]
# For each store (a redis-server started here, then the embedded store) and each route
# (legacy `POST /` generate_template_tickets, REST `POST /api/v1/tickets`), runs wrk `repeats` times
# and prints one RESULT line per run. Needs wrk (apt-get install wrk) and redis-server.
set -euo pipefail
DURATION=${1:-20s}
CONNECTIONS=${2:-64}
REPEATS=${3:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

cargo build --release --locked -p handoff --manifest-path "$ROOT/Cargo.toml" >&2
HANDOFF="$ROOT/target/release/handoff"
FRAME=$(cat "$HERE/frame.json")
printf '{"method":"generate_template_tickets","params":{"frameData":%s,"platform":"jira","documentType":"component","projectName":"Shop"}}' "$FRAME" >"$WORK/legacy.json"
printf '{"frames":%s,"platform":"jira","document_type":"component","project_name":"Shop"}' "$FRAME" >"$WORK/v1.json"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run_store() { # $1 = label, remaining: env assignments for handoff
  local label=$1; shift
  local port; port=$(free_port)
  local data="$WORK/data-$label"
  local env=(env "$@" HANDOFF_DATA_DIR="$data" HANDOFF_AUTH=required HANDOFF_LOG_LEVEL=warn
    HANDOFF_RATE_LIMITS__READS_PER_MIN=6000000 HANDOFF_RATE_LIMITS__GENERATION_PER_MIN=6000000)
  "${env[@]}" "$HANDOFF" users add bench --org acme >"$WORK/user-$label.txt"
  local user; user=$(grep -o 'u_[0-9a-f]*' "$WORK/user-$label.txt" | head -1)
  local key; key=$("${env[@]}" "$HANDOFF" keys create --user "$user" --label bench | grep -o 'hk_[A-Za-z0-9_-]*' | head -1)
  "${env[@]}" HANDOFF_BIND="127.0.0.1:$port" "$HANDOFF" serve >"$WORK/serve-$label.log" 2>&1 &
  local pid=$!; PIDS+=("$pid")
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  # A session token, so every request also exercises the session lookup and its sliding expiry.
  local token; token=$(curl -sf -X POST -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/sessions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  for route in legacy v1; do
    local path=/; [ "$route" = v1 ] && path=/api/v1/tickets
    # Correctness first: the request must succeed before it is timed.
    curl -sf -X POST -H "Authorization: Bearer $token" --data-binary @"$WORK/$route.json" "http://127.0.0.1:$port$path" >/dev/null
    for i in $(seq "$REPEATS"); do
      printf '%s %s run %s: ' "$label" "$route" "$i"
      BODY_FILE="$WORK/$route.json" TOKEN="$token" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$HERE/post.lua" "http://127.0.0.1:$port$path" | grep RESULT
    done
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --save '' --appendonly no --daemonize no >"$WORK/redis.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
run_store redis HANDOFF_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
run_store embedded
