#!/usr/bin/env bash
# Soak and chaos run (issue 20; not part of CI). Two handoff instances on one Redis plus one on a
# 3-master + 3-replica Redis Cluster, under a steady mixed load, while Redis is shut down and
# killed, an instance is killed with -9, and the cluster fails over. Details: soak.py, and the
# recorded runs in docs/benchmarks.md ("Soak and chaos").
#   bench/soak/run.sh [duration_s=1800] [rate_rps=40]
# Needs redis-server and redis-cli (apt-get install redis-server) and python3 (3.11+, stdlib only).
# Environment: HANDOFF_BIN=<binary> runs that build instead of building this tree; SOAK_OUT=<dir>
# keeps the results and logs there (default: a new temp dir, printed at the end).
set -euo pipefail
DURATION=${1:-1800}
RATE=${2:-40}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
if [ -n "${HANDOFF_BIN:-}" ]; then
  HANDOFF=$HANDOFF_BIN
  # handoff reads every HANDOFF_* variable as configuration and refuses unknown keys.
  unset HANDOFF_BIN
else
  # The README's release build.
  cargo build --release --locked -p handoff --manifest-path "$ROOT/Cargo.toml" >&2
  HANDOFF="${CARGO_TARGET_DIR:-$ROOT/target}/release/handoff"
fi
OUT=${SOAK_OUT:-$(mktemp -d /tmp/handoff-soak.XXXXXX)}
mkdir -p "$OUT"
echo "soak: binary $HANDOFF, results and logs in $OUT" >&2
status=0
python3 "$HERE/soak.py" --binary "$HANDOFF" --work "$OUT" --duration "$DURATION" --rate "$RATE" \
  --frame "$ROOT/bench/http/frame.json" --out "$OUT/report.json" || status=$?
echo "soak: report $OUT/report.json, every request in $OUT/report.json.rows.jsonl" >&2
exit "$status"
