#!/usr/bin/env bash
# Instructions the server executes per ticket request, counted by callgrind: repeatable on this noisy
# 2-core machine where req/s and CPU time are not (the same binary gives the same count whatever else
# runs). For before/after comparisons of the request path; wall-clock numbers come from run.sh.
#   bench/http/instructions.sh BINARY [route=v1|legacy] [requests=100]
# Same setup as run.sh (Redis, auth required, a session token, the plugin frame, jira/component);
# requests are sent one at a time after five warm-up requests, with instrumentation on only for them.
# Prints one line: `<binary> <route>: N instructions/request`. Needs valgrind and redis-server.
set -euo pipefail
BIN=$1
ROUTE=${2:-v1}
REQUESTS=${3:-100}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

# shellcheck source=common.sh
. "$HERE/common.sh"
REDIS_PORT=$(free_port)
PORT=$(free_port)
redis-server --port "$REDIS_PORT" --save '' --appendonly no --daemonize no >"$WORK/redis.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

handoff_env "$WORK/data" HANDOFF_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
key=$(api_key "$BIN")
write_bodies "$WORK"
path=$(route_path "$ROUTE")

"${HANDOFF_ENV[@]}" HANDOFF_BIND="127.0.0.1:$PORT" valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$WORK/callgrind.out" "$BIN" serve >"$WORK/serve.log" 2>&1 &
server=$!
PIDS+=("$server")
token=$(session_token "$PORT" "$key")
post() { curl -sf -o /dev/null -X POST -H "Authorization: Bearer $token" --data-binary @"$WORK/$ROUTE.json" "http://127.0.0.1:$PORT$path"; }
for _ in 1 2 3 4 5; do post; done
callgrind_control -i on "$server" >/dev/null 2>&1
for _ in $(seq "$REQUESTS"); do post; done
callgrind_control -i off "$server" >/dev/null 2>&1
kill -INT "$server"
wait "$server" 2>/dev/null || true
total=$(grep -m1 '^totals:' "$WORK/callgrind.out" | awk '{print $2}')
echo "$(basename "$BIN") $ROUTE: $((total / REQUESTS)) instructions/request"
