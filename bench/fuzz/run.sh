#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ (cargo-fuzz, libFuzzer) for a while and prints, per target, the
# executions, coverage (libFuzzer's `cov`: edges; `ft`: features) and crashes found.
#   bench/fuzz/run.sh [SECONDS_PER_TARGET=120] [TARGET...]
# Not CI: crashes found are kept as regression tests in the crates' own tests instead. Working
# corpora grow in fuzz/corpus/<target> (not committed; seeded from fuzz/seeds/<target>), crashing
# inputs land in fuzz/artifacts/<target>/, logs in fuzz/logs/. docs/fuzzing.md has the recorded runs.
#
# cargo-fuzz needs nightly compiler flags; on stable Rust, RUSTC_BOOTSTRAP=1 allows them. Targets are
# built without a sanitizer (the code under test is safe Rust: libFuzzer still catches panics,
# timeouts and memory blow-ups) and with debug assertions, so integer overflow panics as in tests.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
FUZZ=$(cd "$HERE/../../fuzz" && pwd)
SECONDS_PER_TARGET=${1:-120}
shift || true
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

cd "$FUZZ"
if [ $# -gt 0 ]; then
  TARGETS=("$@")
else
  mapfile -t TARGETS < <(cargo fuzz list)
fi
BUILD=(--sanitizer none --debug-assertions)
echo "== building ${#TARGETS[@]} targets"
cargo fuzz build "${BUILD[@]}" >/dev/null

# Per target: extra libFuzzer options (a dictionary of the format's tokens, a larger input size for
# whole documents).
options() {
  case $1 in
    figma_parse) echo "-dict=dicts/json.dict -max_len=65536" ;;
    figma_structured) echo "-max_len=16384" ;;
    design_reports) echo "-max_len=16384" ;;
    plugin_payload | json_body | legacy_call | mcp_message) echo "-dict=dicts/json.dict -max_len=16384" ;;
    figma_url) echo "-dict=dicts/url.dict" ;;
    template) echo "-dict=dicts/template.dict -max_len=16384" ;;
    markdown_render) echo "-dict=dicts/markdown.dict -max_len=16384" ;;
  esac
}

mkdir -p logs
printf '%-18s %8s %12s %9s %7s %8s %7s  %s\n' target seconds execs "exec/s" cov ft corpus crashes
status=0
for target in "${TARGETS[@]}"; do
  corpus=corpus/$target
  mkdir -p "$corpus" "artifacts/$target"
  if [ -d "seeds/$target" ]; then cp -n seeds/"$target"/* "$corpus"/ 2>/dev/null || true; fi
  log=logs/$target.log
  # -timeout: one input running over 10 s is a hang; -rss_limit_mb: a memory blow-up is a crash.
  # shellcheck disable=SC2046
  if cargo fuzz run "${BUILD[@]}" "$target" "$corpus" -- \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 $(options "$target") >"$log" 2>&1; then
    crashes=none
  else
    crashes=$(grep -o 'Test unit written to [^ ]*' "$log" | sed 's/.* //' | sort -u | tr '\n' ' ' || true)
    crashes=${crashes:-"see $log"}
    status=1
  fi
  execs=$( (grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true) | tail -1)
  rate=$( (grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || true) | tail -1)
  last=$( (grep -E '^#[0-9]+' "$log" || true) | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*$' || true)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*$' || true)
  corp=$(grep -o 'corp: [0-9]*' <<<"$last" | grep -o '[0-9]*$' || true)
  printf '%-18s %8s %12s %9s %7s %8s %7s  %s\n' "$target" "$SECONDS_PER_TARGET" "${execs:-?}" \
    "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$crashes"
done
exit $status
