# Shared by run.sh and instructions.sh (sourced): the request bodies, free ports, and a user with an
# API key and a session, set up the same way for both.

# The plugin frame as the two ticket requests measured: $1/legacy.json and $1/v1.json.
write_bodies() {
  local frame; frame=$(cat "$HERE/frame.json")
  printf '{"method":"generate_template_tickets","params":{"frameData":%s,"platform":"jira","documentType":"component","projectName":"Shop"}}' "$frame" >"$1/legacy.json"
  printf '{"frames":%s,"platform":"jira","document_type":"component","project_name":"Shop"}' "$frame" >"$1/v1.json"
}

route_path() { if [ "$1" = v1 ]; then echo /api/v1/tickets; else echo /; fi; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# handoff's environment for a store: auth required, limits high enough that nothing is refused.
# Usage: handoff_env DATA_DIR [VAR=value...]; sets the array HANDOFF_ENV.
handoff_env() {
  local data=$1; shift
  HANDOFF_ENV=(env "$@" HANDOFF_DATA_DIR="$data" HANDOFF_AUTH=required HANDOFF_LOG_LEVEL=warn
    HANDOFF_RATE_LIMITS__READS_PER_MIN=6000000 HANDOFF_RATE_LIMITS__GENERATION_PER_MIN=6000000)
}

# Adds a user in org acme and prints a new API key for it. Usage: api_key BINARY (after handoff_env).
api_key() {
  local user
  user=$("${HANDOFF_ENV[@]}" "$1" users add bench --org acme | grep -o 'u_[0-9a-f]*' | head -1)
  "${HANDOFF_ENV[@]}" "$1" keys create --user "$user" --label bench 2>/dev/null | grep -o 'hk_[A-Za-z0-9_-]*' | head -1
}

# Waits for the server on port $1, then prints a session token made with API key $2: every request
# then also exercises the session lookup and its sliding expiry.
session_token() {
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$1/health" >/dev/null && break; sleep 0.1; done
  curl -sf -X POST -H "Authorization: Bearer $2" "http://127.0.0.1:$1/api/v1/sessions" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
