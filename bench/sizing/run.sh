#!/usr/bin/env bash
# Memory of `handoff serve` per concurrent large design, for sizing (docs/operations.md).
# For each design size and concurrency C: a fresh server (embedded store, a fake Figma API serving
# generated files, bench/shapes/fake_figma.py), its resident memory once idle, then C concurrent
# requests for C different files of that size (different keys: no cache or single-flight sharing)
# on one route, and the process's peak resident memory (VmHWM) over them.
#   bench/sizing/run.sh
# Prints one RESULT line per run: route, nodes, input MB per file, concurrency, idle and peak RSS
# (MB), (peak - idle) / C, seconds for the batch, HTTP statuses. A script (not CI).
# Environment: HANDOFF_BIN=<binary> (default: build this tree with `cargo build --release`);
# NODES="10000 100000"; CONCURRENCY="1 4"; ROUTES="context tickets"; SIZING_DIR keeps the
# generated files between runs.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
GEN=${GEN:-/work/shared/fixtures/gen_figma.py}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

NODES=${NODES:-10000 100000}
CONCURRENCY=${CONCURRENCY:-1 4}
ROUTES=${ROUTES:-context tickets}
DIR=${SIZING_DIR:-$WORK/designs}
mkdir -p "$DIR"
if [ -n "${HANDOFF_BIN:-}" ]; then
  HANDOFF=$HANDOFF_BIN
  unset HANDOFF_BIN
else
  cargo build --release --locked -p handoff --manifest-path "$ROOT/Cargo.toml" >&2
  HANDOFF="${CARGO_TARGET_DIR:-$ROOT/target}/release/handoff"
fi
MAX_C=$(printf '%s\n' $CONCURRENCY | sort -n | tail -1)

# The design of N nodes with seed S: $DIR/n<N>s<S>.json (its name is its Figma file key).
for n in $NODES; do
  for s in $(seq "$MAX_C"); do
    [ -s "$DIR/n${n}s$s.json" ] || python3 "$GEN" --nodes "$n" --seed "$s" >"$DIR/n${n}s$s.json" 2>/dev/null
  done
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
figma_port=$(free_port)
python3 "$ROOT/bench/shapes/fake_figma.py" "$DIR" "$figma_port" &
PIDS+=("$!")

body() { # $1 = route, $2 = file key
  case $1 in
    context) printf '{"file_key":"%s","max_bytes":20000}' "$2" ;;
    tickets) printf '{"file_key":"%s","platform":"jira","document_type":"component"}' "$2" ;;
  esac
}
path_of() { case $1 in context) echo /api/v1/figma/context ;; tickets) echo /api/v1/tickets ;; esac; }

for route in $ROUTES; do
  for n in $NODES; do
    for c in $CONCURRENCY; do
      port=$(free_port)
      rm -rf "$WORK/data"
      env HANDOFF_BIND="127.0.0.1:$port" HANDOFF_DATA_DIR="$WORK/data" HANDOFF_LOG_LEVEL=warn \
        HANDOFF_FIGMA_API_BASE="http://127.0.0.1:$figma_port" HANDOFF_FIGMA_TOKEN=figd_bench \
        HANDOFF_REQUEST_TIMEOUT_SECS=600 "$HANDOFF" serve >"$WORK/serve.log" 2>&1 &
      pid=$!
      for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
      sleep 1
      idle_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
      started=$(date +%s.%N)
      curls=()
      for s in $(seq "$c"); do
        curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'content-type: application/json' \
          --data "$(body "$route" "n${n}s$s")" "http://127.0.0.1:$port$(path_of "$route")" >"$WORK/status.$s" &
      done
      wait $(jobs -p | grep -v "^${PIDS[0]}$" | grep -v "^$pid$") 2>/dev/null || true
      secs=$(python3 -c "import time,sys; print(round(time.time() - float(sys.argv[1]), 2))" "$started")
      peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
      kill "$pid"; wait "$pid" 2>/dev/null || true
      statuses=$(cat "$WORK"/status.* | sort | uniq -c | awk '{printf "%sx%s ", $1, $2}')
      rm -f "$WORK"/status.*
      printf 'RESULT route=%s nodes=%s input_mb=%s concurrency=%s idle_rss_mb=%s peak_rss_mb=%s per_request_mb=%s secs=%s statuses=%s\n' \
        "$route" "$n" "$(( $(stat -c %s "$DIR/n${n}s1.json") / 1048576 ))" "$c" "$((idle_kb / 1024))" \
        "$((peak_kb / 1024))" "$(( (peak_kb - idle_kb) / 1024 / c ))" "$secs" "$statuses"
    done
  done
done
