#!/usr/bin/env bash
# Design-context benchmark (issue 4): `handoff simplify --format tree` against
# Framelink 0.13.2 (figma-developer-mcp) on the same saved Figma responses.
#
#   bench/design-context/run.sh          # fixtures + generated 10k and 100k-node files
#   bench/design-context/run.sh --1m     # also the 1M-node file (~1.2 GB, slow)
#
# Reports wall time (hyperfine: min / median), peak RSS (/usr/bin/time -v) and
# output bytes for both tools. Inputs and outputs go to bench/out/ (gitignored).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/bench/out
GEN=${GEN:-$ROOT/../shared/fixtures/gen_figma.py}
FIXTURES=${FIXTURES:-$ROOT/../shared/fixtures/figma}
RUNS=${RUNS:-10}
SIZES="10000 100000"
if [ "${1:-}" = "--1m" ]; then SIZES="$SIZES 1000000"; fi
mkdir -p "$OUT"

# The 1M-node input (1.16 GB) lives in $BIG_DIR and is deleted when the script ends.
BIG_DIR=${BIG_DIR:-${TMPDIR:-/tmp}}
input_of() { if [ "$1" -ge 1000000 ]; then echo "$BIG_DIR/figma-$1.json"; else echo "$OUT/figma-$1.json"; fi; }
trap 'rm -f "$BIG_DIR/figma-1000000.json"' EXIT
for n in $SIZES; do
  if [ ! -s "$(input_of "$n")" ]; then
    python3 "$GEN" --nodes "$n" --seed 1 --out "$(input_of "$n")"
  fi
done

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target-release-bench}
cargo build --profile release-lto -p handoff
BIN=$CARGO_TARGET_DIR/release-lto/handoff

command -v hyperfine >/dev/null || apt-get install -y hyperfine
if [ ! -d "$OUT/framelink/node_modules/figma-developer-mcp" ]; then
  mkdir -p "$OUT/framelink"
  (cd "$OUT/framelink" && npm install --no-audit --no-fund figma-developer-mcp@0.13.2)
fi
FRAMELINK="node $ROOT/bench/design-context/framelink.mjs $OUT/framelink"

# min and median of a hyperfine JSON export, in ms.
stats() { python3 -c 'import json,sys,statistics as s; t=json.load(open(sys.argv[1]))["results"][0]["times"]; print(f"{min(t)*1000:.0f} / {s.median(t)*1000:.0f}")' "$1"; }
# peak RSS in MB from /usr/bin/time -v output.
rss() { awk '/Maximum resident set size/ {printf "%.0f", $6/1024}' "$1"; }

printf '| input | input bytes | handoff ms (min / median) | handoff peak RSS MB | handoff bytes | Framelink ms (min / median) | Framelink peak RSS MB | Framelink bytes |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
inputs=$(ls "$FIXTURES"/*.json; for n in $SIZES; do input_of "$n"; done)
for input in $inputs; do
  name=$(basename "$input" .json)
  bytes=$(stat -c %s "$input")
  runs=$RUNS; if [ "$bytes" -gt 500000000 ]; then runs=1; fi
  ours="$BIN simplify $input --format tree --max-bytes 100000000000"
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$OUT/hf-ours-$name.json" "$ours" >/dev/null 2>&1
  /usr/bin/time -v $ours > "$OUT/ours-$name.txt" 2> "$OUT/time-ours-$name.txt"
  ours_row="$(stats "$OUT/hf-ours-$name.json") | $(rss "$OUT/time-ours-$name.txt") | $(stat -c %s "$OUT/ours-$name.txt")"
  fl_runs=$runs; if [ "$bytes" -gt 50000000 ]; then fl_runs=3; fi
  if [ "$bytes" -gt 500000000 ]; then
    fl_row="fails (V8 string limit) | – | –"
  elif hyperfine -N --warmup 1 --runs "$fl_runs" --export-json "$OUT/hf-fl-$name.json" "$FRAMELINK $input tree" >/dev/null 2>&1 \
     && /usr/bin/time -v $FRAMELINK "$input" tree > "$OUT/fl-$name.txt" 2> "$OUT/time-fl-$name.txt"; then
    fl_row="$(stats "$OUT/hf-fl-$name.json") | $(rss "$OUT/time-fl-$name.txt") | $(stat -c %s "$OUT/fl-$name.txt")"
  else
    fl_row="failed | – | –"
  fi
  printf '| %s | %s | %s | %s |\n' "$name" "$bytes" "$ours_row" "$fl_row"
done
