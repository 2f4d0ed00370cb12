#!/usr/bin/env bash
# Peak memory and time of the design context on extreme shapes (issue 20): a chain N levels deep
# and N children of one frame, from the CLI (`handoff simplify`) and from the server (`POST
# /api/v1/figma/context` against a fake Figma API, bench/shapes/fake_figma.py).
#   bench/shapes/run.sh [repeats=3]
# Prints one RESULT line per run: where, shape, size, input bytes, seconds, peak RSS (MB), and for
# the CLI the md5 of the output (for the server the HTTP status and the `bytes` it reports).
# Environment: HANDOFF_BIN=<binary> runs that build (before/after comparisons) instead of building
# this tree with `cargo build --release`; SHAPES="deep:10000 deep:100000 wide:100000 wide:1000000"
# picks the inputs; SHAPES_DIR keeps the generated files between runs (default: a temporary
# folder); MAX_BYTES (default 5000) is the budget asked for; WHERE="cli server" picks the sides.
set -euo pipefail
REPEATS=${1:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

SHAPES=${SHAPES:-deep:10000 deep:100000 wide:100000 wide:1000000}
DIR=${SHAPES_DIR:-$WORK/shapes}
MAX_BYTES=${MAX_BYTES:-5000}
WHERE=${WHERE:-cli server}
mkdir -p "$DIR"
if [ -n "${HANDOFF_BIN:-}" ]; then
  HANDOFF=$HANDOFF_BIN
  # handoff reads every HANDOFF_* variable as configuration and refuses unknown keys.
  unset HANDOFF_BIN
else
  cargo build --release --locked -p handoff --manifest-path "$ROOT/Cargo.toml" >&2
  HANDOFF="${CARGO_TARGET_DIR:-$ROOT/target}/release/handoff"
fi

# The file of a shape: $DIR/<shape><n>.json, generated once (its name is its Figma file key).
input_of() {
  local shape=${1%%:*} n=${1##*:}
  local file="$DIR/$shape$n.json"
  [ -s "$file" ] || python3 "$HERE/gen_shapes.py" "$shape" "$n" --out "$file"
  echo "$file"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cli_runs() {
  for spec in $SHAPES; do
    local file; file=$(input_of "$spec")
    for i in $(seq "$REPEATS"); do
      /usr/bin/time -f '%e %M' -o "$WORK/time" \
        "$HANDOFF" simplify "$file" --max-bytes "$MAX_BYTES" >"$WORK/out" 2>"$WORK/err" || {
        echo "cli $spec run $i failed: $(tail -c 300 "$WORK/err")"; continue; }
      read -r secs kb <"$WORK/time"
      printf 'RESULT cli %s input_bytes=%s run=%s secs=%s peak_rss_mb=%s md5=%s\n' "$spec" \
        "$(stat -L -c %s "$file")" "$i" "$secs" "$((kb / 1024))" "$(md5sum <"$WORK/out" | cut -c1-12)"
    done
  done
}

# A fresh server per run: its peak RSS (VmHWM) is then that request's.
server_runs() {
  local figma_port; figma_port=$(free_port)
  python3 "$HERE/fake_figma.py" "$DIR" "$figma_port" &
  PIDS+=("$!")
  for spec in $SHAPES; do
    local file; file=$(input_of "$spec")
    local key; key=$(basename "$file" .json)
    for i in $(seq "$REPEATS"); do
      local port; port=$(free_port)
      rm -rf "$WORK/data"
      env HANDOFF_BIND="127.0.0.1:$port" HANDOFF_DATA_DIR="$WORK/data" HANDOFF_LOG_LEVEL=warn \
        HANDOFF_FIGMA_API_BASE="http://127.0.0.1:$figma_port" HANDOFF_FIGMA_TOKEN=figd_bench \
        HANDOFF_REQUEST_TIMEOUT_SECS=600 "$HANDOFF" serve >"$WORK/serve.log" 2>&1 &
      local pid=$!
      for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
      local answer
      answer=$(curl -s -o "$WORK/body" -w '%{http_code} %{time_total}' -X POST \
        -H 'content-type: application/json' \
        --data "{\"file_key\":\"$key\",\"max_bytes\":$MAX_BYTES}" \
        "http://127.0.0.1:$port/api/v1/figma/context")
      local kb; kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      kill "$pid"; wait "$pid" 2>/dev/null || true
      read -r status secs <<<"$answer"
      local bytes; bytes=$(python3 -c 'import json,sys
try: body = json.load(open(sys.argv[1])); print(body.get("bytes", body.get("error", {}).get("code")))
except Exception: print("?")' "$WORK/body")
      printf 'RESULT server %s input_bytes=%s run=%s secs=%s peak_rss_mb=%s status=%s bytes=%s\n' \
        "$spec" "$(stat -L -c %s "$file")" "$i" "$secs" "$((kb / 1024))" "$status" "$bytes"
    done
  done
}

for side in $WHERE; do "${side}_runs"; done
