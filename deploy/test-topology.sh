#!/usr/bin/env bash
# compose.yaml's topology without containers: two `handoff serve` instances on one real
# redis-server (AOF on, appendfsync everysec, noeviction: the compose settings), behind an nginx
# from Debian configured with the very file compose mounts (deploy/nginx/handoff.conf.template,
# ports filled in with envsubst). Then, through the proxy and across the instances:
#   1. /health and /ready answer 200 through the proxy;
#   2. an API key created with the CLI (against the shared Redis, as `docker compose exec` does)
#      authenticates on both instances; a session token minted on instance 1 works on instance 2;
#      the key, revoked, is refused by both;
#   3. an MCP session initialised through the proxy serves tools/list on both instances (the
#      session lives in Redis), checked through the proxy and against each instance directly;
#   4. a REST and a legacy ticket generation succeed through the proxy.
# Exits non-zero on the first failure. A script to run by hand (or in a release checklist), not CI:
#   deploy/test-topology.sh                      # builds target/release-lto/handoff first
#   HANDOFF_BIN=target/debug/handoff deploy/test-topology.sh
# Needs redis-server, nginx (apt-get install -y nginx), envsubst (gettext-base), curl, python3.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TEMPLATE="$ROOT/deploy/nginx/handoff.conf.template"
FRAME="$ROOT/bench/http/frame.json"

if [ -n "${HANDOFF_BIN:-}" ]; then
  HANDOFF=$(realpath "$HANDOFF_BIN")
  # handoff reads every HANDOFF_* variable as configuration and refuses unknown keys.
  unset HANDOFF_BIN
else
  cargo build --profile release-lto --locked -p handoff --manifest-path "$ROOT/Cargo.toml" >&2
  HANDOFF="${CARGO_TARGET_DIR:-$ROOT/target}/release-lto/handoff"
fi
for tool in redis-server redis-cli nginx envsubst curl python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/handoff-topology.XXXXXX)
PIDS=()
cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    echo "--- logs (kept in $WORK) ---" >&2
    tail -n 20 "$WORK"/*.log >&2 || true
  elif [ -z "${KEEP:-}" ]; then
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
wait_http() { # $1 = URL
  for _ in $(seq 300); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "$1 never answered"
}

REDIS_PORT=$(free_port); PORT_1=$(free_port); PORT_2=$(free_port); PROXY_PORT=$(free_port)
REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"

# --- Redis, as compose runs it -----------------------------------------------------------------
mkdir -p "$WORK/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save "" \
  --appendonly yes --appendfsync everysec --maxmemory-policy noeviction >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
[ "$(redis-cli -p "$REDIS_PORT" config get appendonly | tail -1)" = yes ] || fail "redis AOF is off"

# --- two instances, as compose runs them (compose binds 0.0.0.0, where `auto` requires keys;
# here they bind loopback, so auth is required explicitly to behave the same) -------------------
for n in 1 2; do
  port_var="PORT_$n"
  env HANDOFF_REDIS_URL="$REDIS_URL" HANDOFF_BIND="127.0.0.1:${!port_var}" HANDOFF_LOG_FORMAT=json \
    HANDOFF_DATA_DIR="$WORK/data-$n" HANDOFF_AUTH=required \
    "$HANDOFF" serve >"$WORK/handoff-$n.log" 2>&1 &
  PIDS+=($!)
done
wait_http "http://127.0.0.1:$PORT_1/health"
wait_http "http://127.0.0.1:$PORT_2/health"

# --- nginx with compose's config file ----------------------------------------------------------
mkdir -p "$WORK/nginx/tmp"
HANDOFF_UPSTREAM_1="127.0.0.1:$PORT_1" HANDOFF_UPSTREAM_2="127.0.0.1:$PORT_2" PROXY_PORT="$PROXY_PORT" \
  envsubst '${HANDOFF_UPSTREAM_1} ${HANDOFF_UPSTREAM_2} ${PROXY_PORT}' <"$TEMPLATE" >"$WORK/nginx/handoff.conf"
# The nginx image's own main configuration, reduced to what a foreground nginx in a temp dir needs.
user_line=""
if [ "$(id -u)" -eq 0 ]; then user_line="user $(id -un) $(id -gn);"; fi
cat >"$WORK/nginx/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx.log warn;
events { worker_connections 1024; }
http {
    access_log $WORK/nginx-access.log;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    include $WORK/nginx/handoff.conf;
}
EOF
nginx -t -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" >"$WORK/nginx-test.log" 2>&1 || fail "nginx -t: $(cat "$WORK/nginx-test.log")"
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
PIDS+=($!)
PROXY="http://127.0.0.1:$PROXY_PORT"
wait_http "$PROXY/health"

# --- 1. health and readiness through the proxy -------------------------------------------------
for path in /health /ready; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$PROXY$path")
  [ "$status" = 200 ] || fail "$path through the proxy answered $status"
  pass "$path through the proxy: 200"
done

# --- 2. keys and sessions across instances -----------------------------------------------------
user=$(HANDOFF_REDIS_URL="$REDIS_URL" "$HANDOFF" users add topology --org acme)
key=$(HANDOFF_REDIS_URL="$REDIS_URL" "$HANDOFF" keys create --user "$user" --label topology 2>/dev/null)
for port in "$PORT_1" "$PORT_2"; do
  who=$(curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/me" | json 'd["userId"]') \
    || fail "the API key was refused by the instance on $port"
  [ "$who" = "$user" ] || fail "the instance on $port took the key for $who, not $user"
done
pass "an API key created with the CLI authenticates on both instances"
session=$(curl -sf -X POST -H "Authorization: Bearer $key" "http://127.0.0.1:$PORT_1/api/v1/sessions" | json 'd["token"]') \
  || fail "instance 1 did not mint a session"
who=$(curl -sf -H "Authorization: Bearer $session" "http://127.0.0.1:$PORT_2/api/v1/me" | json 'd["userId"]') \
  || fail "instance 2 refused a session minted on instance 1"
[ "$who" = "$user" ] || fail "instance 2 took instance 1's session for $who"
pass "a session minted on instance 1 is accepted by instance 2"
status=$(curl -s -o /dev/null -w '%{http_code}' "$PROXY/api/v1/me")
[ "$status" = 401 ] || fail "a request without credentials through the proxy answered $status, not 401"
pass "a request without credentials is 401 through the proxy"

# --- 3. one MCP session, both instances --------------------------------------------------------
mcp_post() { # $1 = base URL, $2 = body, $3 = session id (optional); prints the response headers+body
  curl -s -i -X POST "$1/mcp" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' ${3:+-H "Mcp-Session-Id: $3"} \
    ${3:+-H "MCP-Protocol-Version: 2025-06-18"} --data-binary "$2"
}
# The JSON-RPC message with the given id in an SSE or JSON answer.
mcp_message() { # $1 = id
  python3 -c '
import json, sys
want = int(sys.argv[1])
for line in sys.stdin.read().splitlines():
    line = line.strip()
    data = line[5:].strip() if line.startswith("data:") else line
    if data.startswith("{"):
        try:
            message = json.loads(data)
        except ValueError:
            continue
        if message.get("id") == want:
            print(json.dumps(message)); sys.exit(0)
sys.exit(1)' "$1"
}
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"topology","version":"1"}}}'
answer=$(mcp_post "$PROXY" "$init")
sid=$(printf '%s' "$answer" | tr -d '\r' | awk -F': ' 'tolower($1)=="mcp-session-id"{print $2}')
[ -n "$sid" ] || fail "initialize through the proxy gave no session: $answer"
printf '%s' "$answer" | mcp_message 1 >/dev/null || fail "no initialize result: $answer"
curl -sf -o /dev/null -X POST "$PROXY/mcp" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -H 'Accept: application/json, text/event-stream' -H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 2025-06-18' \
  --data-binary '{"jsonrpc":"2.0","method":"notifications/initialized"}' || fail "notifications/initialized was refused"
tools_from() { # $1 = base URL, $2 = request id; prints the number of tools
  mcp_post "$1" "{\"jsonrpc\":\"2.0\",\"id\":$2,\"method\":\"tools/list\"}" "$sid" | mcp_message "$2" | json 'len(d["result"]["tools"])'
}
for round in 2 3 4 5; do
  count=$(tools_from "$PROXY" "$round") || fail "tools/list $round through the proxy failed"
  [ "$count" -gt 0 ] || fail "tools/list $round through the proxy listed no tools"
done
pass "an MCP session initialised through the proxy serves 4 tools/list calls through it ($count tools)"
# Each instance logs one line per request it answered, with the path in the span.
served_1=$(grep -c '"path":"/mcp"' "$WORK/handoff-1.log" || true)
served_2=$(grep -c '"path":"/mcp"' "$WORK/handoff-2.log" || true)
[ "$served_1" -gt 0 ] && [ "$served_2" -gt 0 ] || fail "the proxy did not spread /mcp over both instances ($served_1, $served_2 log lines)"
pass "nginx spread the session's requests over both instances ($served_1 and $served_2 /mcp log lines)"
for n in 1 2; do
  port_var="PORT_$n"
  count=$(tools_from "http://127.0.0.1:${!port_var}" $((10 + n))) || fail "instance $n does not continue the session"
  [ "$count" -gt 0 ] || fail "instance $n listed no tools"
done
pass "the same MCP session continues on instance 1 and on instance 2 directly"

# --- 4. ticket generation through the proxy (REST v1 and the legacy contract) ------------------
frame=$(cat "$FRAME")
printf '{"frames":%s,"platform":"jira","document_type":"component","project_name":"Shop"}' "$frame" >"$WORK/v1.json"
printf '{"method":"generate_template_tickets","params":{"frameData":%s,"platform":"jira","documentType":"component","projectName":"Shop"}}' "$frame" >"$WORK/legacy.json"
tickets=$(curl -sf -X POST -H "Authorization: Bearer $session" -H 'Content-Type: application/json' \
  --data-binary @"$WORK/v1.json" "$PROXY/api/v1/tickets" | json 'len(d["tickets"])') || fail "POST /api/v1/tickets through the proxy failed"
[ "$tickets" -gt 0 ] || fail "POST /api/v1/tickets gave no tickets"
pass "REST POST /api/v1/tickets through the proxy: $tickets ticket(s)"
legacy=$(curl -sf -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  --data-binary @"$WORK/legacy.json" "$PROXY/") || fail "legacy POST / through the proxy failed"
printf '%s' "$legacy" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d else 1)' \
  || fail "legacy POST / answered nothing useful: $legacy"
pass "legacy POST / (generate_template_tickets) through the proxy: $(printf '%s' "$legacy" | wc -c) bytes"

# --- the key, revoked, is refused everywhere ---------------------------------------------------
key_id=$(HANDOFF_REDIS_URL="$REDIS_URL" "$HANDOFF" keys list --user "$user" | cut -f1)
HANDOFF_REDIS_URL="$REDIS_URL" "$HANDOFF" keys revoke --user "$user" "$key_id" 2>/dev/null
for port in "$PORT_1" "$PORT_2"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/me")
  [ "$status" = 401 ] || fail "a revoked key answered $status on $port"
done
pass "the revoked key is refused by both instances"
echo "topology: all checks passed"
